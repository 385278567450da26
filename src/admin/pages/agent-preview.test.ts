/**
 * The Agent Designer's test panel, in-process on both databases against aimock: the unsaved persona
 * reaches the model's system prompt (nothing saved); no conversation row is written, the model
 * calls are recorded (llm_calls without a conversation, usage_daily) and audited as a preview; a
 * second model answers the same message side by side; tools with side effects are neither offered
 * nor run; message, history and form are bounded and validated before any model call; CSRF is
 * required; another tenant's admin cannot preview acme's agent; the stored budget still stops it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture, SEEDED_SECRETS } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../../test/support/llm.ts";
import { agents } from "../../db/schema/index.ts";

const FORM = { name: "Ada", slug: "ada", models: "mock/gpt-test", daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4", persona: "Talks like a lighthouse keeper (UNSAVED-7)" };
const USAGE = { promptTokens: 1000, completionTokens: 500 };

describe.each(DB_KINDS)("the Agent Designer's preview on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let llm: LlmMock;
  let ada: string;
  const q = () => `?tenant=${f.acme}`;
  const preview = (b: Browser, form: Record<string, string>, query = q(), init: { csrf?: false } = {}) =>
    b.fetch(`/admin/agents/${ada}/preview${query}`, { form: { ...FORM, preview_history: "[]", ...form }, headers: { "hx-request": "true" }, ...init });
  const count = async (sqlText: string) => (await f.app().db.driver.raw.query<{ n: number }>(sqlText))[0]!.n;

  beforeAll(async () => {
    llm = await startLlmMock({ apiKeys: [SEEDED_SECRETS[5]!] });
    llm.on({}, { text: "Ahoy from the primary", usage: USAGE });
    llm.on({ model: "gpt-other" }, { text: "Plain answer from the other", usage: USAGE });
    f = await consoleFixture(kind, {
      llm: {
        providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: SEEDED_SECRETS[5] }],
        prices: { "mock/gpt-test": { input_per_mtok: 10, output_per_mtok: 20 }, "mock/gpt-other": { input_per_mtok: 1, output_per_mtok: 2 } },
      },
    });
    s = await f.sessions();
    ada = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents)))[0]!.id;
  });
  afterAll(async () => {
    await f.cleanup();
    await llm.stop();
  });

  test("the page offers the panel; the unsaved persona answers; no conversation, usage recorded and audited as a preview", async () => {
    const page = await (await s.tenantAdmin!.fetch(`/admin/agents/${ada}${q()}`)).text();
    expect(page).toContain(`hx-post="/admin/agents/${ada}/preview${q()}"`);
    expect(page).toContain('id="agent-form"');
    const res = await preview(s.tenantAdmin!, { preview_message: "Who are you?" });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("Ahoy from the primary");
    expect(html).toContain("1000 in / 500 out");
    expect(html).toContain("$0.0200"); // 1000 × $10/M + 500 × $20/M
    expect(html).toMatch(/Answered by<\/dt><dd>mock\/gpt-test<\/dd>/);
    expect(html).toContain("Talks like a lighthouse keeper (UNSAVED-7)"); // the rendered system prompt
    const sent = llm.journal().at(-1)!;
    expect(String(sent.messages[0]!.content)).toContain("Persona: Talks like a lighthouse keeper (UNSAVED-7)");
    expect(sent.lastUser).toBe("Who are you?");
    // Not saved, not a conversation; the call is on record as a preview.
    const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.select({ persona: agents.persona }).from(agents).where(eq(agents.id, ada)));
    expect(row!.persona).not.toContain("UNSAVED-7");
    expect(await count(`select count(*)::int as n from conversations where tenant_id = '${f.acme}'`)).toBe(0);
    expect(await count(`select count(*)::int as n from inbound_events where tenant_id = '${f.acme}'`)).toBe(0);
    expect(await count(`select count(*)::int as n from llm_calls where agent_id = '${ada}' and conversation_id is null and ok and prompt_tokens = 1000`)).toBe(1);
    expect(await count(`select count(*)::int as n from usage_daily where agent_id = '${ada}' and model = 'gpt-test' and cost_usd > 0`)).toBe(1);
    expect(await count(`select count(*)::int as n from audit_log where agent_id = '${ada}' and kind = 'llm_call' and data->>'preview' = 'true' and data->>'previewBy' = '${f.userIds.tenantAdmin}'`)).toBe(1);
  });

  test("compare: a second model answers the same message side by side; the history stays in the page", async () => {
    const before = llm.journal().length;
    const history = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ user: `q${i}`, reply: `a${i}` })));
    const html = await (await preview(s.tenantAdmin!, { preview_message: "Compare please", preview_compare: "mock/gpt-other", preview_history: history })).text();
    expect(html).toContain("Ahoy from the primary");
    expect(html).toContain("Plain answer from the other");
    expect(html).toMatch(/Answered by<\/dt><dd>mock\/gpt-other<\/dd>/);
    const asked = llm.journal().slice(before);
    expect(asked.map((r) => r.model).sort()).toEqual(["gpt-other", "gpt-test"]);
    for (const r of asked) expect(r.messages.some((m) => m.content === "a9")).toBe(true);
    // Ten kept: the oldest dropped, the new exchange added.
    const kept = JSON.parse(/name="preview_history" value="([^"]*)"/.exec(html)![1]!.replace(/&quot;|&#34;/g, '"'));
    expect(kept).toHaveLength(10);
    expect(kept[0].user).toBe("q1");
    expect(kept.at(-1)).toEqual({ user: "Compare please", reply: "Ahoy from the primary" });
    expect(await count(`select count(*)::int as n from conversations where tenant_id = '${f.acme}'`)).toBe(0);
  });

  test("tools with side effects are neither offered nor run", async () => {
    llm.on({ lastUser: "note this" }, { toolCalls: [{ name: "remember", arguments: { content: "the admin likes tea" } }] });
    llm.on({ hasToolResult: true }, { text: "Noted (not really)." });
    const before = llm.journal().length;
    const html = await (await preview(s.tenantAdmin!, { preview_message: "note this: I like tea" })).text();
    expect(html).toContain("Noted (not really).");
    const asked = llm.journal().slice(before);
    for (const r of asked) expect(r.tools.every((t) => t === "kb_search")).toBe(true);
    expect(JSON.stringify(asked.at(-1)!.messages)).toContain("does not run in a preview");
    expect(await count(`select count(*)::int as n from memories where tenant_id = '${f.acme}'`)).toBe(0);
  });

  test("bounded and validated before any model call; CSRF; another tenant's admin cannot preview", async () => {
    const before = llm.journal().length;
    const cases: [Record<string, string>, string][] = [
      [{ preview_message: "x".repeat(4001) }, "at most 4000 characters"],
      [{ preview_message: "" }, "type a message"],
      [{ preview_message: "hi", models: "" }, "add at least one model"],
      [{ preview_message: "hi", preview_compare: "elsewhere/gpt-x" }, "one of this tenant&#39;s providers"],
      [{ preview_message: "hi", preview_history: JSON.stringify(Array.from({ length: 11 }, () => ({ user: "u", reply: "r" }))) }, "not readable"],
      [{ preview_message: "hi", preview_history: "{" }, "not readable"],
    ];
    for (const [form, says] of cases) {
      const r = await preview(s.tenantAdmin!, form);
      expect(r.status).toBe(400);
      expect((await r.text()).replace(/&#x27;/g, "&#39;")).toContain(says);
    }
    expect((await preview(s.tenantAdmin!, { preview_message: "hi" }, q(), { csrf: false })).status).toBe(403);
    expect((await preview(s.operator!, { preview_message: "hi" })).status).toBe(403);
    expect((await preview(s.otherAdmin!, { preview_message: "hi" })).status).toBe(403);
    expect((await preview(s.otherAdmin!, { preview_message: "hi" }, `?tenant=${f.globex}`)).status).toBe(404);
    expect(llm.journal().length).toBe(before);
  });

  test("the stored budget still applies", async () => {
    await f.app().db.withTenant(f.acme, (tx) => tx.update(agents).set({ dailyBudgetUsd: "0.01" }).where(eq(agents.id, ada)));
    const before = llm.journal().length;
    // The unsaved form says no cap; the stored cap, already spent, wins.
    const html = await (await preview(s.tenantAdmin!, { preview_message: "still there?" })).text();
    expect(html).toContain("daily budget of $0.01 reached");
    expect(/name="preview_history" value="([^"]*)"/.exec(html)![1]).toMatch(/^\[\]$|^&#91;&#93;$/); // a stop is not kept as the agent's words
    expect(llm.journal().length).toBe(before);
    await f.app().db.withTenant(f.acme, (tx) => tx.update(agents).set({ dailyBudgetUsd: sql`0` }).where(eq(agents.id, ada)));
  });
});
