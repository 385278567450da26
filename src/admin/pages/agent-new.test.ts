/**
 * A newcomer's first AI employee, on both databases with two tenants against aimock: the new-agent
 * form's model chain is pre-filled from the configured provider (its listed models; nothing typed),
 * and from the tenant's first AI employee once there is one; the preview panel answers for the form
 * before anything is saved — no agent and no conversation row, its usage in the unsaved-preview bucket
 * of that tenant only; CSRF and the role rules hold.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture, SEEDED_SECRETS } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../../test/support/llm.ts";
import { agents, llmCalls } from "../../db/schema/index.ts";
import { rowsOf } from "../../db/set-sql.ts";
import { UNSAVED_AGENT_ID } from "../agents/preview.ts";

const FORM = { name: "Newt", slug: "newt", daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4", persona: "Speaks like a ship's cook (NEVER-SAVED-3)" };

describe.each(DB_KINDS)("a newcomer's first AI employee on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let llm: LlmMock;

  beforeAll(async () => {
    llm = await startLlmMock({ apiKeys: [SEEDED_SECRETS[5]!] });
    llm.on({ model: "house-model" }, { text: "Soup's on, from the unsaved cook", usage: { promptTokens: 100, completionTokens: 20 } });
    // Tenants without AI employees: the newcomer's case (acme has none; globex exists beside it).
    const tenants = [{ slug: "acme", name: "Acme", agents: [] }, { slug: "globex", name: "Globex", agents: [] }];
    f = await consoleFixture(kind, { llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: SEEDED_SECRETS[5] }] }, tenants });
    s = await f.sessions();
  });
  afterAll(async () => {
    await f.cleanup();
    await llm.stop();
  });

  const q = () => `?tenant=${f.acme}`;
  const chainOf = (html: string) => /<textarea[^>]*name="models"[^>]*>([^<]*)<\/textarea>/.exec(html)?.[1];

  test("with one provider and no AI employee yet, the form's model chain is that provider's model — nothing to type", async () => {
    const html = await (await s.tenantAdmin!.fetch(`/admin/agents/new${q()}`)).text();
    expect(chainOf(html)).toBe("mock/house-model");
    expect(html).toContain(`hx-post="/admin/agents/new/preview${q()}"`);
  });

  test("the preview answers for the never-saved form: no agent, no conversation; usage in the unsaved bucket", async () => {
    const before = (await llm.journal()).length;
    const res = await s.tenantAdmin!.fetch(`/admin/agents/new/preview${q()}`, { form: { ...FORM, models: "mock/house-model", preview_message: "Who are you?", preview_history: "[]" }, headers: { "hx-request": "true" } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("Soup&#x27;s on, from the unsaved cook");
    expect(html).toContain("NEVER-SAVED-3"); // the rendered system prompt
    expect(String(llm.journal().slice(before).at(-1)!.messages[0]!.content)).toContain("Persona: Speaks like a ship's cook (NEVER-SAVED-3)");
    const [agentRows, conversations, calls] = await f.app().db.withTenant(f.acme, async (tx) => [
      await tx.select().from(agents),
      (await rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from conversations`))[0]!.n,
      await tx.select().from(llmCalls).where(eq(llmCalls.agentId, UNSAVED_AGENT_ID)),
    ] as const);
    expect(agentRows).toHaveLength(0);
    expect(conversations).toBe(0);
    expect(calls.map((c) => [c.model, c.promptTokens, c.conversationId])).toEqual([["house-model", 100, null]]);
    expect(await f.app().db.withTenant(f.globex, (tx) => tx.select().from(llmCalls))).toHaveLength(0);
  });

  test("the form is validated before any model call; CSRF, operators and another tenant's admin are refused", async () => {
    const before = llm.journal().length;
    const bad = await s.tenantAdmin!.fetch(`/admin/agents/new/preview${q()}`, { form: { ...FORM, models: "", preview_message: "hi", preview_history: "[]" } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("add at least one model");
    const form = { ...FORM, models: "mock/house-model", preview_message: "hi", preview_history: "[]" };
    expect((await s.tenantAdmin!.fetch(`/admin/agents/new/preview${q()}`, { form, csrf: false })).status).toBe(403);
    expect((await s.operator!.fetch(`/admin/agents/new/preview${q()}`, { form })).status).toBe(403);
    expect((await s.otherAdmin!.fetch(`/admin/agents/new/preview${q()}`, { form })).status).toBe(403);
    expect(llm.journal().length).toBe(before);
  });

  test("once the first AI employee exists, the next form starts from its chain", async () => {
    const made = await s.tenantAdmin!.fetch(`/admin/agents${q()}`, { form: { ...FORM, models: "mock/house-model\nmock/backup-model" } });
    expect(made.status).toBe(303);
    expect(chainOf(await (await s.tenantAdmin!.fetch(`/admin/agents/new${q()}`)).text())).toBe("mock/house-model\nmock/backup-model");
  });
});
