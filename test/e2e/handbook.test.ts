/**
 * The closing scenario: an admin uploads the employee handbook through the API; a staff member asks
 * the AI employee in Telegram a question only the handbook answers; the model (mock) calls kb_search,
 * gets the right passage with its citation, and the cited answer arrives in Telegram. Both databases
 * (HNSW on PGlite, exact scan on Postgres without pgvector), real embedding model.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../src/db/set-sql.ts";
import { CITE_INSTRUCTION } from "../../src/memory/context.ts";
import { tenantAdmins } from "../support/admin.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { EMBEDDINGS_CONFIG } from "../support/models.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const QUESTION = "How many weeks of parental leave do I get?";
const ANSWER = "You get 18 weeks of fully paid parental leave, to be taken within two years [Northwind Employee Handbook — Leave > Parental leave].";

describe.each(DB_KINDS)("handbook question answered with a citation, %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.on({ hasToolResult: false }, { toolCalls: [{ name: "kb_search", arguments: { query: "parental leave weeks" } }] });
    llm.on({ hasToolResult: true }, { text: ANSWER });
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }] });
    t = await startTestApp(kind, {
      ...EMBEDDINGS_CONFIG,
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [{ kind: "telegram", name: "tg", bot_token: tg.bots[0]!.token, api_root: tg.apiRoot }] }] }],
    });
  });
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  test("upload the handbook, ask in Telegram, get the cited answer from the right passage", async () => {
    const form = new FormData();
    form.append("file", Bun.file(`${import.meta.dir}/../fixtures/kb/handbook.md`), "handbook.md");
    const anonymous = await t.app.http.handle(new Request("http://localhost/api/v1/kb/acme/documents", { method: "POST", body: form }));
    expect(anonymous.status).toBe(401);
    const { acme } = await tenantAdmins(() => t.app, ["acme"]);
    const up = await acme.api("/api/v1/kb/acme/documents", { method: "POST", body: form });
    expect(up.status).toBe(201);
    await t.app.semantic.jobs.drained();

    await tg.userSends(8001, QUESTION);
    const [reply] = await tg.waitForReplies(8001, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toBe(ANSWER);

    const [first, second] = llm.journal();
    expect(first!.lastUser).toBe(QUESTION);
    expect(String(first!.messages[0]!.content)).toContain(CITE_INSTRUCTION);
    const tool = second!.messages.find((m) => m.role === "tool")!;
    const result = String(tool.content);
    // The best passage is the one that answers, with the citation the model is asked to use.
    expect(result).toStartWith("[1] Northwind Employee Handbook — Leave > Parental leave\nParents receive 18 weeks of fully paid parental leave");
    expect(result).toContain("Cite the passages you use as [title — section].");

    const { tenantId } = await t.channel("acme", "tg");
    const audits = await t.app.db.withTenant(tenantId, (tx) => rowsOf<{ kind: string; summary: string }>(tx, sql`select kind, summary from audit_log where kind = 'tool_call'`));
    expect(audits).toEqual([{ kind: "tool_call", summary: "kb_search" }]);
  });
});
