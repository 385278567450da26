/**
 * Memory upkeep's model calls (summaries, fact extraction) against the agent's budget, on both
 * databases, through the real pool and the LLM mock: over budget no call is made and the skip is
 * logged once; under a cap the call's max_tokens is bounded; an over-budget agent's ended
 * conversations stay due (nothing lost) and are not read.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import pino from "pino";
import { Ledger } from "../agent/ledger.ts";
import { agents, channels, conversationMemory, conversations, messages, tenants, usageDaily } from "../db/schema/index.ts";
import { LlmPool } from "../llm/pool.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { dueForExtraction, extractConversation } from "./extract.ts";
import type { Memory } from "./memory.ts";
import { recordedCall } from "./summarize.ts";

const PRICES = { "mock/m": { input_per_mtok: 1, output_per_mtok: 100 } };

describe.each(DB_KINDS)("memory upkeep within the budget on %s Postgres", (kind) => {
  let t: TestDatabase;
  let llm: LlmMock;
  let pool: LlmPool;
  let tenantId: string;
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(s) });
  const remembered: string[] = [];
  const memory = { remember: async (_t: string, m: { content: string }) => (remembered.push(m.content), { created: true }) } as unknown as Memory;

  const newAgent = (slug: string, dailyBudgetUsd: string) =>
    t.db.withTenant(tenantId, async (tx) => (await tx.insert(agents).values({ tenantId, slug, name: slug, models: ["mock/m"], dailyBudgetUsd }).returning())[0]!);
  const spend = (agentId: string, costUsd: string) =>
    t.db.withTenant(tenantId, (tx) => tx.insert(usageDaily).values({ tenantId, agentId, day: new Date().toISOString().slice(0, 10), provider: "mock", model: "m", calls: 1, costUsd }));

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    llm = await startLlmMock();
    pool = new LlmPool([{ id: "mock", kind: "openai", baseUrl: llm.url, apiKey: "", timeoutMs: 10_000, maxConcurrency: 4 }]);
    [{ id: tenantId }] = (await t.db.platform((tx) => tx.insert(tenants).values({ slug: "acme", name: "Acme" }).returning({ id: tenants.id }))) as [{ id: string }];
  });
  afterAll(async () => {
    await llm.stop();
    await t.cleanup();
  });
  beforeEach(async () => {
    await llm.reset();
    llm.replyAll('["The user likes tea"]');
    lines.length = 0;
  });

  test("over budget: no model call, null, one log line for many skips", async () => {
    const agent = await newAgent("spent", "0.01");
    await spend(agent.id, "0.01");
    const deps = { db: t.db, pool, log };
    for (let i = 0; i < 3; i++) expect(await recordedCall(deps, tenantId, agent, new Ledger({ tenantId, agentId: agent.id, conversationId: crypto.randomUUID() }, PRICES), "sys", "user")).toBeNull();
    expect(llm.journal()).toEqual([]);
    expect(lines.filter((l) => l.includes("skipped: over budget"))).toHaveLength(1);
  });

  test("under a cap the call's max_tokens is what the rest of the budget pays for", async () => {
    const agent = await newAgent("capped", "0.001");
    const out = await recordedCall({ db: t.db, pool, log }, tenantId, agent, new Ledger({ tenantId, agentId: agent.id, conversationId: crypto.randomUUID() }, PRICES), "sys", "user");
    expect(out).toBe('["The user likes tea"]');
    // $0.001 minus a prompt of a few tokens at $1/Mtok, at $100/Mtok: just under 10 tokens.
    expect(llm.journal().map((r) => r.maxTokens)).toEqual([9]);
  });

  test("an over-budget agent's ended conversation is not read and stays due", async () => {
    const agent = await newAgent("extract", "0.01");
    await spend(agent.id, "0.02");
    const conversationId = await t.db.withTenant(tenantId, async (tx) => {
      const [ch] = await tx.insert(channels).values({ tenantId, agentId: agent.id, kind: "telegram", name: "tg", mode: "polling", secrets: Buffer.from("x") }).returning();
      const [c] = await tx.insert(conversations).values({ tenantId, agentId: agent.id, channelId: ch!.id, chatKey: "c1", closedAt: new Date() }).returning();
      await tx.insert(messages).values({ tenantId, conversationId: c!.id, role: "user", content: "I like tea" });
      return c!.id;
    });
    const deps = { db: t.db, pool, log, memory, prices: PRICES };
    expect(await dueForExtraction(t.db, tenantId, 0)).toEqual([]);
    expect(await extractConversation(deps, tenantId, conversationId, 0)).toBe(false);
    expect(llm.journal()).toEqual([]);
    // Once the budget allows it (a raised cap), the same conversation is read.
    await t.db.withTenant(tenantId, (tx) => tx.update(agents).set({ dailyBudgetUsd: "1" }).where(eq(agents.id, agent.id)));
    expect((await dueForExtraction(t.db, tenantId, 0)).map((d) => d.conversation_id)).toEqual([conversationId]);
    expect(await extractConversation(deps, tenantId, conversationId, 0)).toBe(true);
    expect(await extractConversation(deps, tenantId, conversationId, 0)).toBe(false);
    expect(remembered).toContain("The user likes tea");
    const [cm] = await t.db.withTenant(tenantId, (tx) => tx.select().from(conversationMemory).where(eq(conversationMemory.conversationId, conversationId)));
    expect(cm?.extractedUntil).toBeTruthy();
  });
});
