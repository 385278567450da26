/**
 * Compaction on both databases, through the real pool, the LLM mock and the real embedding model:
 * batched (a block of turns per summary call, not a sliver of every turn), nothing dropped (every
 * turn that leaves the unsummarised tail was in exactly one summarisation request), its usage and
 * summary memory on record; and the turn context skips recall when the only memory is the
 * conversation's own summary — within the tenant (RLS: another tenant sees nothing).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { estimateTokens } from "../agent/tokens.ts";
import { validate } from "../config/load.ts";
import { agents, channels, conversationMemory, conversations, messages, tenants } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { LlmPool } from "../llm/pool.ts";
import { openSemantic, type TestSemantic } from "../../test/support/semantic.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";
import { compact, FEW_MEMORIES, memoryStateIn, memoryStatesIn, SUMMARY_SYSTEM, summaryWriteOp } from "./compaction.ts";
import { MemoryContext } from "./context.ts";

const PRICES = { "mock/m": { input_per_mtok: 1, output_per_mtok: 2 } };
const SUMMARY = "The user runs the Hamburg warehouse and discussed a series of orders.";

describe.each(DB_KINDS)("compaction on %s Postgres", (kind) => {
  const sides = async (tenantId: string, conversationId: string) => {
    const rows = await t.db.withTenant(tenantId, (tx) =>
      rowsOf<{ content: string; tokens: number; summarised: boolean }>(tx, sql`select m.content, m.tokens, m.created_at <= cm.summarized_until as summarised
        from messages m join conversation_memory cm on cm.tenant_id = m.tenant_id and cm.conversation_id = m.conversation_id
        where m.conversation_id = ${conversationId}::uuid order by m.created_at`),
    );
    return { summarised: rows.filter((r) => r.summarised), tail: rows.filter((r) => !r.summarised) };
  };
  let t: TestDatabase;
  let s: TestSemantic;
  let llm: LlmMock;
  let pool: LlmPool;
  let A: string;
  let B: string;
  const log = pino({ level: "silent" });

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    [A, B] = (await t.db.platform((tx) => tx.insert(tenants).values([{ slug: "acme", name: "Acme" }, { slug: "globex", name: "Globex" }]).returning({ id: tenants.id }))).map((r) => r.id) as [string, string];
    s = await openSemantic(validate({ ...EMBEDDINGS_CONFIG, data_dir: t.dataDir }), t, log);
    llm = await startLlmMock();
    llm.replyAll("Noted.");
    llm.on({ lastUser: "New turns:" }, { text: SUMMARY });
    pool = new LlmPool([{ id: "mock", kind: "openai", baseUrl: llm.url, apiKey: "", timeoutMs: 10_000, maxConcurrency: 4 }]);
  });
  afterAll(async () => {
    await s.stop();
    await llm.stop();
    await t.cleanup();
  });

  test("40 turns: a few batched summaries, every turn that left the tail summarised exactly once, usage and memory on record", async () => {
    const { agent, conversationId } = await t.db.withTenant(A, async (tx) => {
      const [agent] = await tx.insert(agents).values({ tenantId: A, slug: "ada", name: "Ada", models: ["mock/m"], contextTokens: 1200 }).returning();
      const [ch] = await tx.insert(channels).values({ tenantId: A, agentId: agent!.id, kind: "telegram", name: "tg", mode: "polling", secrets: Buffer.from("x") }).returning();
      const [c] = await tx.insert(conversations).values({ tenantId: A, agentId: agent!.id, channelId: ch!.id, chatKey: "c1" }).returning();
      return { agent: agent!, conversationId: c!.id };
    });
    const ctx = new MemoryContext({ db: t.db, memory: s.memory, prices: PRICES, log, recallTokens: 0 });
    const scope = { tenantId: A, agent, conversationId, userKey: "u1" };
    const keep = ctx.keepTokens(scope);
    const say = (role: "user" | "assistant", content: string) =>
      t.db.withTenant(A, (tx) => tx.insert(messages).values({ tenantId: A, conversationId, role, content, tokens: estimateTokens(content), createdAt: sql`clock_timestamp()` }));
    let total = 0;
    for (let i = 1; i <= 40; i++) {
      const question = `Turn ${i}: where does order ${4000 + i} stand, and who confirms the return of its pallet?`;
      const answer = `Order ${4000 + i} left on Tuesday; the warehouse lead confirms pallet returns within a day.`;
      await say("user", question);
      await ctx.prompt(scope, [{ role: "user", content: question }]);
      await say("assistant", answer);
      ctx.afterTurn(scope, pool, estimateTokens(answer));
      await ctx.idle();
      total += estimateTokens(question) + estimateTokens(answer);
    }

    const requests = llm.journal().filter((r) => String(r.messages[0]?.content) === SUMMARY_SYSTEM);
    // Each call after the first folds at least keep/2 tokens: a block, not one turn per turn.
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.length).toBeLessThanOrEqual(1 + Math.floor(total / (keep - Math.floor(keep / 2))));
    expect(requests.length).toBeLessThan(40 / 4);

    const [cm] = await t.db.withTenant(A, (tx) => tx.select().from(conversationMemory).where(eq(conversationMemory.conversationId, conversationId)));
    expect(cm!.summary).toBe(SUMMARY);
    // Which side of the mark a turn is on, compared in SQL: a JS Date keeps milliseconds, and two
    // turns within one millisecond are common on a fast machine.
    const { summarised, tail } = await sides(A, conversationId);
    // Nothing dropped: each summarised turn went to the model in exactly one request; the tail still fits.
    for (const r of summarised) expect(requests.filter((q) => String(q.lastUser).includes(r.content))).toHaveLength(1);
    expect(summarised.length + tail.length).toBe(80);
    expect(tail.reduce((n, r) => n + r.tokens, 0)).toBeLessThanOrEqual(keep);

    // Usage of every summary call is on record; the summary memory is one, embedded, this conversation's.
    const [usage] = await t.db.withTenant(A, (tx) => rowsOf<{ calls: number; mem: number; embedded: number }>(tx, sql`
      select (select count(*)::int from llm_calls where agent_id = ${agent.id}::uuid) as calls,
        (select count(*)::int from memories where conversation_id = ${conversationId}::uuid and kind = 'summary') as mem,
        (select count(*)::int from memories where conversation_id = ${conversationId}::uuid and embedding is not null) as embedded`));
    expect(usage).toEqual({ calls: requests.length, mem: 1, embedded: 1 });

    // Recall has nothing to find for this conversation (its own summary is left out): no query embedding.
    const state = (agentId: string, tenantId: string, conv: string) => t.db.withTenant(tenantId, (tx) => memoryStateIn(tx, tenantId, { agentId, conversationId: conv, userKey: "u1" }));
    expect((await state(agent.id, A, conversationId)).hasMemories).toBe(false);
    // Another conversation of the same user may recall it; another tenant sees nothing of it.
    expect((await state(agent.id, A, crypto.randomUUID())).hasMemories).toBe(true);
    expect(await state(agent.id, B, conversationId)).toEqual({ summary: "", hasMemories: false, unsummarisedTokens: 0, few: [] });
  });

  test("turns stamped the same instant are never split by the summary's mark (one would be in neither)", async () => {
    const conversationId = await t.db.withTenant(A, async (tx) => {
      const [agent] = await tx.insert(agents).values({ tenantId: A, slug: "tie", name: "Tie", models: ["mock/m"] }).returning();
      const [ch] = await tx.insert(channels).values({ tenantId: A, agentId: agent!.id, kind: "telegram", name: "tg-tie", mode: "polling", secrets: Buffer.from("x") }).returning();
      const [c] = await tx.insert(conversations).values({ tenantId: A, agentId: agent!.id, channelId: ch!.id, chatKey: "tie" }).returning();
      // Ten pairs of turns, each pair one instant (as turns written by one statement can be).
      for (let i = 0; i < 20; i++) {
        const content = `Pair ${Math.floor(i / 2)} turn ${i % 2}: shipment ${5000 + i} is due at dock ${10 + i}.`;
        await tx.insert(messages).values({ tenantId: A, conversationId: c!.id, role: i % 2 ? "assistant" : "user", content, tokens: 10, createdAt: sql`'2026-01-01T00:00:00Z'::timestamptz + ${Math.floor(i / 2)} * interval '1 minute'` });
      }
      return { agent: agent!, id: c!.id };
    });
    const before = llm.journal().length;
    // Keep 30 tokens: the newest three turns, which would cut the second-newest pair in two.
    const deps = { db: t.db, memory: s.memory, prices: PRICES, log, pool, write: summaryWriteOp(s.memory) };
    expect(await compact(deps, { tenantId: A, agent: conversationId.agent, conversationId: conversationId.id, userKey: "u1" }, { due: 0, target: 30 })).toBe(true);
    const requests = llm.journal().slice(before).filter((r) => String(r.messages[0]?.content) === SUMMARY_SYSTEM);
    expect(requests).toHaveLength(1);
    const { summarised, tail } = await sides(A, conversationId.id);
    for (const r of summarised) expect(String(requests[0]!.lastUser)).toContain(r.content);
    expect(summarised.length + tail.length).toBe(20);
    expect(tail.map((r) => r.content)).toEqual(["Pair 9 turn 0: shipment 5018 is due at dock 28.", "Pair 9 turn 1: shipment 5019 is due at dock 29."]);
  });

  test("a user's few memories that fit go into the prompt whole, without recall (no query embedding); more are ranked by recall", async () => {
    const agentOf = (tenantId: string) =>
      t.db.withTenant(tenantId, async (tx) => (await tx.insert(agents).values({ tenantId, slug: "bea", name: "Bea", models: ["mock/m"] }).returning())[0]!);
    const [bea, beaB] = [await agentOf(A), await agentOf(B)];
    const FACTS = ["The user works night shifts.", "The user's forklift licence expires in May.", "The user prefers German."];
    for (const content of FACTS) await s.memory.remember(A, { agentId: bea.id, userKey: "u7", kind: "fact", content });
    let recalls = 0;
    const memory = Object.assign(Object.create(s.memory), {
      recall: (...a: Parameters<typeof s.memory.recall>) => (recalls++, s.memory.recall(...a)),
    }) as typeof s.memory;
    const prompt = (tenantId: string, agent: typeof bea, recallTokens: number) =>
      new MemoryContext({ db: t.db, memory, prices: PRICES, log, recallTokens }).prompt(
        { tenantId, agent, conversationId: crypto.randomUUID(), userKey: "u7" },
        [{ role: "user", content: "When is my next shift?" }],
      );

    const whole = await prompt(A, bea, 500);
    for (const f of FACTS) expect(whole).toContain(f);
    // Newest first: a fact the user corrected later would come before the old one.
    expect(whole.indexOf(FACTS[2]!)).toBeLessThan(whole.indexOf(FACTS[0]!));
    expect(recalls).toBe(0);
    // Not all fit: recall ranks them (one query embedding), and the prompt keeps within the budget.
    const ranked = await prompt(A, bea, estimateTokens(FACTS[0]!) + 1);
    expect(recalls).toBe(1);
    expect(FACTS.filter((f) => ranked.includes(f)).length).toBe(1);
    // The other tenant's employee with the same user key: nothing, and nothing to recall.
    expect(await prompt(B, beaB, 500)).not.toContain("The user");
    expect(recalls).toBe(1);
    // More than FEW_MEMORIES: recall ranks, even when the budget would hold them all.
    for (let i = 0; i < FEW_MEMORIES; i++) await s.memory.remember(A, { agentId: bea.id, userKey: "u7", kind: "fact", content: `Pallet rack ${i} is in aisle ${i + 3}.` });
    await prompt(A, bea, 10_000);
    expect(recalls).toBe(2);
  });

  test("the turns a batch opens read their memory states in one statement, each as if read alone", async () => {
    // Scopes from the tests above (run in order): the 40-turn conversation with its summary, the
    // same-instant one, a user with more than FEW_MEMORIES facts, and a conversation never seen.
    const [ada, bea, tie] = await t.db.withTenant(A, (tx) =>
      rowsOf<{ id: string; conv: string | null }>(tx, sql`select a.id, (select id from conversations c where c.agent_id = a.id limit 1) as conv
        from agents a where a.slug in ('ada', 'tie', 'bea') order by a.slug`),
    );
    const scopes = [
      { agentId: ada!.id, conversationId: ada!.conv!, userKey: "u1" },
      { agentId: bea!.id, conversationId: crypto.randomUUID(), userKey: "u7" },
      { agentId: tie!.id, conversationId: tie!.conv!, userKey: "u1" },
      { agentId: ada!.id, conversationId: crypto.randomUUID(), userKey: "nobody" },
    ];
    const together = await t.db.withTenant(A, (tx) => memoryStatesIn(tx, A, scopes));
    const alone = await Promise.all(scopes.map((scope) => t.db.withTenant(A, (tx) => memoryStateIn(tx, A, scope))));
    expect(together).toEqual(alone);
    expect(together.map((m) => [!!m.summary, m.hasMemories, m.few === null])).toEqual([[true, false, false], [false, true, true], [true, false, false], [false, false, false]]);
    expect(together[0]!.unsummarisedTokens).toBeGreaterThan(0);
    // The other tenant reads nothing of them.
    const other = await t.db.withTenant(B, (tx) => memoryStatesIn(tx, B, scopes));
    expect(other.every((m) => m.summary === "" && !m.hasMemories && m.unsummarisedTokens === 0)).toBe(true);
    expect(await t.db.withTenant(A, (tx) => memoryStatesIn(tx, A, []))).toEqual([]);
  });
});
