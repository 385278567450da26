/**
 * The console's pages doing their work, in-process on both databases, against real peers: a Slack
 * app connected from the console answers a signed event at once (live restart) and its "test
 * connection" calls auth.test; secrets are sealed, masked and kept when a field is left empty;
 * validation errors come back next to their field; a tenant's own provider (BYO key) serves only
 * that tenant; the web chat goes through the pipeline; the audit CSV is RFC 4180.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../../test/support/admin.ts";
import { eventually } from "../../../test/support/app.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../../test/support/llm.ts";
import { type SlackWorkspace, slackEvents, startSlackWorkspace } from "../../../test/support/slack.ts";
import { agents, channels, tenants } from "../../db/schema/index.ts";
import { ADAPTERS } from "../../gateway/gateway.ts";

const BYO_KEY = "sk-tenant-own-key-1234";

describe.each(DB_KINDS)("console pages on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let llm: LlmMock;
  let ws: SlackWorkspace;
  let adaId: string;

  beforeAll(async () => {
    llm = await startLlmMock({ apiKeys: ["sk-platform", BYO_KEY] });
    llm.replyAll("Done — **on it**.");
    ws = await startSlackWorkspace();
    f = await consoleFixture(
      kind,
      {
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: "sk-platform" }] },
        tenants: [
          { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"] }] },
          { slug: "globex", name: "Globex", agents: [] },
        ],
      },
      { adapters: { slack: ADAPTERS.slack!, webchat: ADAPTERS.webchat! } },
    );
    s = await f.sessions();
    [{ id: adaId }] = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents))) as [{ id: string }];
  });
  afterAll(async () => {
    await f.cleanup();
    await ws.stop();
    await llm.stop();
  });

  const q = () => `?tenant=${f.acme}`;

  test("a Slack app connected in the console answers at once; secrets sealed, masked, kept", async () => {
    const id = crypto.randomUUID();
    const form = { id, kind: "slack", name: "acme-slack", agent_id: adaId, mode: "events", api_url: ws.apiUrl, bot_token: ws.bot.token, signing_secret: ws.signingSecret };
    // Missing signing secret: 400 with the reason next to the field, nothing saved.
    const bad = await s.tenantAdmin!.fetch(`/admin/channels${q()}`, { form: { ...form, signing_secret: "" } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="f-signing_secret-error">the Events API needs the app');
    const ok = await s.tenantAdmin!.fetch(`/admin/channels${q()}`, { form });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toContain("flash=restarted");

    // Live: a signed event to this connection's request URL is answered in Slack. The connection
    // knows its bot once auth.test answered; on a loaded machine that first call can fail and be
    // retried a second later (events meanwhile get 503, which Slack retries), so wait for it.
    await eventually(async () => !!(f.app().gateway.connections.adapter(id) as { identity?: unknown } | undefined)?.identity, 5_000, "the connection's Slack identity");
    const res = await f.app().http.handle(ws.signed(slackEvents.dm(ws, { text: "hi Ada" }), { url: `http://localhost/hooks/slack/${id}` }));
    expect(res.status).toBe(200);
    await eventually(async () => (await ws.messages(ws.dm)).some((m) => m.text.includes("on it")), 10_000, "the Slack reply");

    // Sealed at rest, masked on the page, never in full.
    const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(channels).where(eq(channels.id, id)));
    expect(Buffer.from(row!.secrets).toString("latin1")).not.toContain(ws.bot.token);
    const page = await (await s.tenantAdmin!.fetch(`/admin/channels/${id}${q()}`)).text();
    expect(page).not.toContain(ws.bot.token);
    expect(page).not.toContain(ws.signingSecret);
    expect(page).toContain(`••••${ws.bot.token.slice(-4)}`);
    expect(page).toContain(`request_url: /hooks/slack/${id}`);

    // Saving with the secret fields empty keeps the stored secrets; the test calls auth.test with them.
    expect((await s.tenantAdmin!.fetch(`/admin/channels/${id}${q()}`, { form: { ...form, name: "acme-slack-2", bot_token: "", signing_secret: "" } })).status).toBe(303);
    const test = await (await s.tenantAdmin!.fetch(`/admin/channels/${id}/test${q()}`, { method: "POST", headers: { "hx-request": "true" } })).text();
    expect(test).toContain("✓ connected as @");
    expect(test).not.toContain("<html");

    // Deleted: the connection stops at once; its request URL names nothing any more.
    expect((await s.tenantAdmin!.fetch(`/admin/channels/${id}/delete${q()}`, { method: "POST" })).status).toBe(303);
    const gone = await f.app().http.handle(ws.signed(slackEvents.dm(ws, { text: "still there?" }), { url: `http://localhost/hooks/slack/${id}` }));
    expect(gone.status).toBe(404);
  });

  test("a tenant's own provider (BYO key) serves that tenant only; its test lists the models", async () => {
    const body = { id: "mine", kind: "openai", base_url: llm.url, api_key: BYO_KEY, timeout_ms: "5000", max_concurrency: "2" };
    expect((await s.otherAdmin!.fetch("/admin/providers?scope=tenant", { form: body })).status).toBe(303);
    const tested = await (await s.otherAdmin!.fetch("/admin/providers/mine/test?scope=tenant", { method: "POST", headers: { "hx-request": "true" } })).text();
    expect(tested).toContain("model(s) available");
    // Globex's Gus, designed in the console, names mine/m: answered with the tenant's key.
    const agentForm = { name: "Gus", slug: "gus", models: "mine/m", daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4" };
    expect((await s.otherAdmin!.fetch("/admin/agents", { form: agentForm })).status).toBe(303);
    const chat = async (b: Browser, tenant: string, agentId: string, text: string) => {
      expect((await b.fetch(`/admin/chat/${agentId}/messages?tenant=${tenant}`, { form: { text } })).status).toBe(200);
      return eventually(async () => {
        const log = await (await b.fetch(`/admin/chat/${agentId}/log?tenant=${tenant}`, { headers: { "hx-request": "true" } })).text();
        return log.includes("on it") || log.includes("could not") || log.includes("failed") ? log : null;
      }, 10_000, "the web chat reply");
    };
    const [gus] = await f.app().db.withTenant(f.globex, (tx) => tx.select({ id: agents.id }).from(agents));
    expect(await chat(s.otherAdmin!, f.globex, gus!.id, "hello Gus")).toContain("on it");
    expect(llm.journal().at(-1)!.lastUser).toBe("hello Gus");
    // Acme has no provider "mine": not even its test button reaches globex's.
    expect((await s.tenantAdmin!.fetch(`/admin/providers/mine/test${q()}&scope=tenant`, { method: "POST" })).status).toBe(404);
    // The page never shows the key.
    expect(await (await s.otherAdmin!.fetch("/admin/providers/mine?scope=tenant")).text()).not.toContain(BYO_KEY);
  });

  test("web chat: GETs create nothing; the first message creates the connection", async () => {
    const webchats = () => f.app().db.withTenant(f.acme, (tx) => tx.select({ id: channels.id }).from(channels).where(eq(channels.kind, "webchat")));
    for (let i = 0; i < 2; i++) {
      const page = await s.operator!.fetch(`/admin/chat${q()}&agent=${adaId}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Say hello.");
      expect((await s.operator!.fetch(`/admin/chat/${adaId}/log${q()}`, { headers: { "hx-request": "true" } })).status).toBe(200);
    }
    expect(await webchats()).toHaveLength(0);
  });

  test("web chat: the message goes through the pipeline and the conversation is listed", async () => {
    expect((await s.operator!.fetch(`/admin/chat/${adaId}/messages${q()}`, { form: { text: "" } })).status).toBe(400);
    const first = await (await s.operator!.fetch(`/admin/chat/${adaId}/messages${q()}`, { form: { text: "what's up?" }, headers: { "hx-request": "true" } })).text();
    expect(first).toContain("up?");
    // Polling while the reply is outstanding (the mock may already have answered: then no polling).
    expect(first.includes("Thinking…")).toBe(first.includes('hx-trigger="every 1s"'));
    const log = await eventually(async () => {
      const html = await (await s.operator!.fetch(`/admin/chat/${adaId}/log${q()}`, { headers: { "hx-request": "true" } })).text();
      return html.includes("on it") ? html : null;
    }, 10_000, "the reply in the log");
    expect(log).not.toContain("hx-trigger"); // answered: the log stops polling
    const list = await (await s.operator!.fetch(`/admin/conversations${q()}`)).text();
    expect(list).toContain("webchat-ada (webchat)");
    expect(await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: channels.id }).from(channels).where(eq(channels.kind, "webchat")))).toHaveLength(1);
  });

  test("the tenant list pages past 25 and keeps every tenant reachable", async () => {
    await f.app().db.platform((tx) => tx.insert(tenants).values(Array.from({ length: 30 }, (_, i) => ({ slug: `bulk-${i}`, name: `Bulk ${String(i).padStart(2, "0")}` }))));
    const first = await (await s.platformAdmin!.fetch("/admin/tenants")).text();
    expect(first).toContain('href="/admin/tenants?page=2" rel="next"');
    const second = await (await s.platformAdmin!.fetch("/admin/tenants?page=2")).text();
    expect(second).toContain('rel="prev"');
    expect(second).not.toContain('rel="next"');
    const shown = [...(first + second).matchAll(/>(Bulk \d\d)</g)].map((m) => m[1]);
    expect(new Set(shown).size).toBe(30);
  });

  test("tenants: a taken slug is an error next to the field; the audit CSV quotes per RFC 4180", async () => {
    const dup = await s.platformAdmin!.fetch("/admin/tenants", { form: { slug: "acme", name: "Acme again" } });
    expect(dup.status).toBe(400);
    expect(await dup.text()).toContain('id="f-slug-error">another tenant has this slug');
    const csv = await s.tenantAdmin!.fetch(`/admin/audit.csv${q()}&kind=inbound`);
    expect(csv.headers.get("content-type")).toStartWith("text/csv");
    const text = await csv.text();
    expect(text.split("\r\n")[0]).toBe("at,kind,agent,conversation_id,actor,summary,data");
    expect(text).toContain(`,inbound,Ada,`);
    expect(text).toMatch(/,"\{""chat"":""[^"]+"",""event"":/);
  });
});
