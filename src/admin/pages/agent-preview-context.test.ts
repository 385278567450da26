/**
 * The preview's system prompt and tools as a real turn has them, on both databases with the real
 * embedding model: what the AI employee remembers about the admin (their user id is the user) is
 * recalled into the rendered prompt, another person's memories are not; kb_search runs in a preview
 * and its passages from the tenant's knowledge base are listed in the panel.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type ConsoleFixture, consoleFixture, SEEDED_SECRETS } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../../test/support/llm.ts";
import { EMBEDDINGS_CONFIG } from "../../../test/support/models.ts";
import { agents } from "../../db/schema/index.ts";

const HANDBOOK = new Uint8Array(await Bun.file(`${import.meta.dir}/../../../test/fixtures/kb/handbook.md`).arrayBuffer());
const FORM = { name: "Ada", slug: "ada", models: "mock/gpt-test", daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4" };

describe.each(DB_KINDS)("the preview's recalled memory and knowledge on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let llm: LlmMock;
  let ada: string;

  beforeAll(async () => {
    llm = await startLlmMock({ apiKeys: [SEEDED_SECRETS[5]!] });
    llm.on({ lastUser: "vacation" }, { toolCalls: [{ name: "kb_search", arguments: { query: "How many days of paid vacation do employees get?" } }] });
    llm.on({ hasToolResult: true }, { text: "You get 27 days, and you like green tea." });
    f = await consoleFixture(kind, { ...EMBEDDINGS_CONFIG, llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: SEEDED_SECRETS[5] }] } });
    s = await f.sessions();
    ada = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents)))[0]!.id;
    const sem = f.app().semantic;
    await sem.memory.remember(f.acme, { agentId: ada, userKey: f.userIds.tenantAdmin, kind: "fact", content: "The admin drinks green tea every afternoon" });
    await sem.memory.remember(f.acme, { agentId: ada, userKey: f.userIds.operator, kind: "fact", content: "The operator drinks black coffee" });
    await sem.knowledge.upload(f.acme, { filename: "handbook.md", mime: "text/markdown", bytes: HANDBOOK });
    await sem.jobs.drained();
  });
  afterAll(async () => {
    await f.cleanup();
    await llm.stop();
  });

  test("the admin's memories are in the rendered prompt and kb_search's passages in the panel", async () => {
    const res = await s.tenantAdmin!.fetch(`/admin/agents/${ada}/preview?tenant=${f.acme}`, {
      form: { ...FORM, preview_message: "What do I drink, and how many vacation days do I get?", preview_history: "[]" },
      headers: { "hx-request": "true" },
    });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("You get 27 days, and you like green tea.");
    expect(html).toContain("What you remember from earlier conversations");
    expect(html).toContain("The admin drinks green tea every afternoon");
    expect(html).not.toContain("black coffee");
    expect(html).toContain("Tools used (1)");
    expect(html).toContain("27 days of paid vacation");
    const first = llm.journal().find((r) => r.lastUser?.includes("vacation"))!;
    expect(String(first.messages[0]!.content)).toContain("green tea");
    expect(first.tools).toContain("kb_search");
  });
});
