/**
 * The heartbeat in the console, in-process on both databases: the Agent Designer edits it (interval,
 * quiet hours, checklist, notify destination) with the config file's rules — what the file would
 * refuse comes back next to its field, nothing saved; the agent page lists its runs (an idle beat
 * 0 tokens; a beat with a model call its tokens, cost and whether its message went out) and the
 * usage page the heartbeat's share per agent; another tenant's admin sees none of it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture, SEEDED_SECRETS } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../../test/support/llm.ts";
import { agents, tasks } from "../../db/schema/index.ts";
import { insertTask } from "../../tasks/store.ts";

const BASE = { name: "Ada", slug: "ada", models: "mock/gpt-test", daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4" };
const HEARTBEAT = {
  heartbeat: "on",
  heartbeat_every_minutes: "15",
  heartbeat_checklist: "Watch the invoices.",
  heartbeat_quiet_start: "22:00",
  heartbeat_quiet_end: "07:00",
  heartbeat_quiet_tz: "Europe/Oslo",
  heartbeat_notify_channel: "acme-tg",
  heartbeat_notify_chat: "42",
};

describe.each(DB_KINDS)("the heartbeat in the console on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let llm: LlmMock;
  let adaId: string;
  // Ahead of the wall clock (the app's own 60 s tick then finds nothing due); usage is asked for today and tomorrow.
  let clock = new Date(Date.now() + 20 * 60_000);
  const days = () => `from=${new Date().toISOString().slice(0, 10)}&to=${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}`;

  beforeAll(async () => {
    llm = await startLlmMock({ apiKeys: [SEEDED_SECRETS[5]!] });
    llm.on({}, { text: '{"notify": true, "message": "Invoice task finished."}', usage: { promptTokens: 100, completionTokens: 35 } });
    f = await consoleFixture(kind, { llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: SEEDED_SECRETS[5] }], prices: { "mock/gpt-test": { input_per_mtok: 10, output_per_mtok: 20 } } } });
    s = await f.sessions();
    adaId = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents)))[0]!.id;
  });
  afterAll(async () => {
    await f.cleanup();
    await llm.stop();
  });

  const save = (fields: Record<string, string>) => s.tenantAdmin!.fetch(`/admin/agents/${adaId}?tenant=${f.acme}`, { form: { ...BASE, ...fields } });
  const stored = async () => (await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents).where(eq(agents.id, adaId))))[0]!.heartbeat;

  test("what the config file would refuse is refused next to its field; valid settings are stored", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ heartbeat_every_minutes: "3" }, "heartbeat_every_minutes", "&gt;=5"],
      [{ heartbeat_quiet_start: "25:00" }, "heartbeat_quiet_start", "must be HH:MM (24h)"],
      [{ heartbeat_quiet_tz: "Mars/Olympus" }, "heartbeat_quiet_tz", "must be an IANA time zone"],
      [{ heartbeat_notify_chat: "" }, "heartbeat_notify_chat", "needs both a channel and a chat"],
      [{ heartbeat_notify_channel: "nope" }, "heartbeat_notify_channel", "no channel named &#x27;nope&#x27; in this tenant"],
      [{ heartbeat_checklist: "x".repeat(8001) }, "heartbeat_checklist", "8000"],
    ];
    for (const [bad, field, says] of cases) {
      const r = await save({ ...HEARTBEAT, ...bad });
      expect(r.status).toBe(400);
      const html = await r.text();
      expect(html).toContain(`id="f-${field}-error"`);
      expect(html.slice(html.indexOf(`id="f-${field}-error"`)).slice(0, 200)).toContain(says);
      expect(await stored()).toBeNull();
    }
    expect((await save(HEARTBEAT)).status).toBe(303);
    expect(await stored()).toEqual({ everyMinutes: 15, checklist: "Watch the invoices.", quietHours: { start: "22:00", end: "07:00", tz: "Europe/Oslo" }, notify: { channel: "acme-tg", chat: "42" } });
    const page = await (await s.tenantAdmin!.fetch(`/admin/agents/${adaId}?tenant=${f.acme}`)).text();
    expect(page).toContain("Watch the invoices.");
    expect(page).toContain('value="Europe/Oslo"');
    // Switched off again: stored as off; then on again for the next test.
    expect((await save({ heartbeat: "off" })).status).toBe(303);
    expect(await stored()).toBeNull();
    expect((await save({ ...HEARTBEAT, heartbeat_quiet_start: "", heartbeat_quiet_end: "" })).status).toBe(303);
    expect((await stored())!.quietHours).toBeNull();
  });

  test("runs and their tokens on the agent page and in usage; another tenant sees none", async () => {
    const beat = async () => {
      clock = new Date(clock.getTime() + 15 * 60_000);
      return f.app().heartbeat.tick(clock);
    };
    expect(await beat()).toBeGreaterThanOrEqual(1);
    expect(llm.journal()).toEqual([]);
    let page = await (await s.tenantAdmin!.fetch(`/admin/agents/${adaId}?tenant=${f.acme}`)).text();
    expect(page).toContain("1 beats, 0 with a model call, 0 tokens, $0.00");
    expect(page).toMatch(/<td>0<\/td>\s*<td>idle<\/td>\s*<td>0<\/td>/);

    await f.app().db.withTenant(f.acme, async (tx) => {
      const t = await insertTask(tx, { tenantId: f.acme, agentId: adaId, requestedBy: "u1", goal: "book the invoices" });
      await tx.update(tasks).set({ status: "done", result: "booked", finishedAt: new Date(clock.getTime() + 60_000) }).where(eq(tasks.id, t.id));
    });
    await beat();
    expect(llm.journal()).toHaveLength(1);
    page = await (await s.tenantAdmin!.fetch(`/admin/agents/${adaId}?tenant=${f.acme}`)).text();
    expect(page).toContain("2 beats, 1 with a model call, 135 tokens");
    expect(page).toContain("Invoice task finished.");
    // Only the web chat runs in this fixture: the Telegram channel is not connected, and the page says so.
    expect(page).toContain("not sent: the channel is not connected right now");

    const usage = await (await s.tenantAdmin!.fetch(`/admin/usage?tenant=${f.acme}&${days()}`)).text();
    const share = usage.slice(usage.indexOf("<h2>Heartbeat</h2>"));
    expect(share).toMatch(/Ada<\/th><td>2<\/td><td>1<\/td><td>135<\/td>/);
    const other = await (await s.otherAdmin!.fetch(`/admin/usage?tenant=${f.globex}&${days()}`)).text();
    expect(other).not.toContain("<h2>Heartbeat</h2>");
    expect((await s.otherAdmin!.fetch(`/admin/agents/${adaId}?tenant=${f.globex}`)).status).toBe(404);
  });
});
