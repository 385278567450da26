/**
 * The heartbeat end to end on Telegram (both databases, two tenants), from config to the chat: the
 * app's own ticker (driven with a test clock), the real pool against the LLM mock (its journal is
 * every model call), the outbox and the Telegram connection against the emulator. An idle beat
 * makes no model call and sends nothing; one finished task makes exactly one call and its message
 * lands exactly once in the agent's notify chat; a send the chat refused (the user had blocked the
 * bot) is sent once by a later tick; each tenant sees only its own runs and messages.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { agents, heartbeatRuns, outboundMessages, tasks } from "../../src/db/schema/index.ts";
import { insertTask } from "../../src/tasks/store.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const MESSAGE = "Task #1 is done: the quarterly report is ready.";
const [ACME_CHAT, GLOBEX_CHAT] = [5001, 6001];

describe.each(DB_KINDS)("heartbeat on Telegram, %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;
  const tenant = { acme: "", globex: "" };
  // Ahead of the wall clock, so the app's own 60 s interval finds nothing due meanwhile.
  let clock = new Date(Date.now() + 3600_000);
  const later = () => (clock = new Date(clock.getTime() + 5 * 60_000));

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.on({}, { text: `{"notify": true, "message": "${MESSAGE}"}`, usage: { promptTokens: 90, completionTokens: 12 } });
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }, { username: "GlobexBobBot" }] });
    const [ada, bob] = tg.bots;
    const agent = (slug: string, token: string, chat: number) => ({
      slug,
      name: slug,
      models: ["mock/cheap", "mock/chat"],
      channels: [{ kind: "telegram", name: "tg", bot_token: token, api_root: tg.apiRoot }],
      heartbeat: { every_minutes: 5, checklist: "Tell me when a task finishes.", notify: { channel: "tg", chat: String(chat) } },
    });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }], prices: { "mock/cheap": { input_per_mtok: 1, output_per_mtok: 2 } } },
      tenants: [
        { slug: "acme", name: "Acme", agents: [agent("ada", ada!.token, ACME_CHAT)] },
        { slug: "globex", name: "Globex", agents: [agent("bob", bob!.token, GLOBEX_CHAT)] },
      ],
    });
    tenant.acme = (await t.channel("acme", "tg")).tenantId;
    tenant.globex = (await t.channel("globex", "tg")).tenantId;
  });
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  const runs = (k: keyof typeof tenant) => t.app.db.withTenant(tenant[k], (tx) => tx.select().from(heartbeatRuns).orderBy(heartbeatRuns.at));
  const finishTask = (goal: string) =>
    t.app.db.withTenant(tenant.acme, async (tx) => {
      const [ada] = await tx.select().from(agents).where(eq(agents.slug, "ada"));
      const task = await insertTask(tx, { tenantId: tenant.acme, agentId: ada!.id, requestedBy: "u1", goal });
      await tx.update(tasks).set({ status: "done", result: "report ready", finishedAt: new Date(clock.getTime() + 60_000) }).where(eq(tasks.id, task.id));
    });
  const acmeSays = () => tg.botReplies(ACME_CHAT).map((r) => r.visible);

  test("idle beats: no model call, nothing sent, 0 tokens", async () => {
    for (let i = 0; i < 3; i++) {
      expect(await t.app.heartbeat.tick(clock)).toBe(2);
      later();
    }
    expect(llm.journal()).toEqual([]);
    for (const k of ["acme", "globex"] as const) expect((await runs(k)).map((r) => [r.decision, r.promptTokens + r.completionTokens])).toEqual(Array(3).fill(["idle", 0]));
    expect(acmeSays()).toEqual([]);
  });

  test("one finished task: exactly one model call, its message delivered once to the notify chat", async () => {
    await finishTask("write the quarterly report");
    later();
    expect(await t.app.heartbeat.tick(clock)).toBe(2);
    expect(llm.journal()).toHaveLength(1);
    expect(llm.journal()[0]!.model).toBe("cheap");
    expect(JSON.stringify(llm.journal()[0]!.messages)).toContain("write the quarterly report");
    expect((await tg.waitForReplies(ACME_CHAT, 1))[0]!.visible).toBe(MESSAGE);
    const run = (await runs("acme")).at(-1)!;
    expect([run.decision, run.items, run.promptTokens, run.completionTokens, run.deliveredAt !== null]).toEqual(["notify", 1, 90, 12, true]);
    later();
    await t.app.heartbeat.tick(clock);
    later();
    await t.app.heartbeat.tick(clock);
    await Bun.sleep(300);
    expect(llm.journal()).toHaveLength(1);
    expect(acmeSays()).toEqual([MESSAGE]);
    expect(tg.botReplies(GLOBEX_CHAT, tg.bots[1]!.token)).toEqual([]);
  }, 30_000);

  test("a send the chat refused at first is delivered once by a later tick", async () => {
    tg.blockChat(ACME_CHAT);
    await finishTask("second report");
    later();
    await t.app.heartbeat.tick(clock);
    const run = (await runs("acme")).at(-1)!;
    expect([run.decision, run.deliveredAt]).toEqual(["notify", null]);
    expect(run.deliveryError).toContain("403");
    expect(acmeSays()).toHaveLength(1);
    tg.unblockChat(ACME_CHAT);
    for (let i = 0; i < 3; i++) {
      later();
      await t.app.heartbeat.tick(clock);
    }
    await tg.waitForReplies(ACME_CHAT, 2);
    await Bun.sleep(300);
    expect(acmeSays()).toEqual([MESSAGE, MESSAGE]);
    expect((await runs("acme")).find((r) => r.id === run.id)!.deliveredAt).not.toBeNull();
    const rows = await t.app.db.withTenant(tenant.acme, (tx) => tx.select().from(outboundMessages).where(eq(outboundMessages.inboundEventId, run.id)));
    expect(rows.map((r) => [r.status, r.chatKey])).toEqual([["sent", String(ACME_CHAT)]]);
  }, 30_000);

  test("each tenant sees only its own heartbeat runs", async () => {
    const [acme, globex] = [await runs("acme"), await runs("globex")];
    const agentOf = (k: keyof typeof tenant) => t.app.db.withTenant(tenant[k], async (tx) => (await tx.select({ id: agents.id }).from(agents))[0]!.id);
    const [ada, bob] = [await agentOf("acme"), await agentOf("globex")];
    expect(acme.length).toBeGreaterThan(0);
    expect(acme.every((r) => r.agentId === ada && r.tenantId === tenant.acme)).toBe(true);
    expect(globex.every((r) => r.agentId === bob && r.decision === "idle")).toBe(true);
    const ids = new Set(acme.map((r) => r.id));
    expect(globex.some((r) => ids.has(r.id))).toBe(false);
    const foreign = await t.app.db.withTenant(tenant.globex, (tx) => tx.select().from(heartbeatRuns).where(eq(heartbeatRuns.agentId, ada)));
    expect(foreign).toEqual([]);
  });
});
