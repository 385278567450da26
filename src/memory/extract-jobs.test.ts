/**
 * Fact extraction on the job engine, on both databases, against the LLM mock: closing a
 * conversation queues its job; with two replicas (two engines and two sweeps on one database, the
 * model slow enough that the job is still running when the second replica queues it) the
 * conversation is read exactly once; and a conversation that ended before the job engine (no job
 * at all) is queued by the sweep and read once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import pino from "pino";
import { EXTRACT_QUEUE } from "../app/semantic.ts";
import { validate } from "../config/load.ts";
import { agents, channels, conversations, messages, tenants } from "../db/schema/index.ts";
import { LlmPool } from "../llm/pool.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";
import { openSemantic, type TestSemantic } from "../../test/support/semantic.ts";
import { EXTRACT_SYSTEM } from "./extract.ts";

const log = pino({ level: "silent" });

describe.each(DB_KINDS)("fact extraction jobs on %s Postgres", (kind) => {
  let t: TestDatabase;
  let llm: LlmMock;
  let a: TestSemantic;
  let b: TestSemantic;
  let tenantId: string;
  let agentId: string;
  let channelId: string;
  let chat = 0;

  const extractions = () => llm.journal().filter((r) => r.messages?.[0]?.content === EXTRACT_SYSTEM);
  const jobs = (conversationId: string) =>
    t.db.driver.raw.query<{ state: string }>(`select state::text from pgboss.job where name = $1 and singleton_key = $2 order by created_on`, [EXTRACT_QUEUE, conversationId]);
  /** An ended (closed) conversation with one user turn, written as the gateway would. */
  const endedConversation = (text: string) =>
    t.db.withTenant(tenantId, async (tx) => {
      const [c] = await tx.insert(conversations).values({ tenantId, agentId, channelId, chatKey: `c${++chat}`, closedAt: new Date() }).returning();
      await tx.insert(messages).values({ tenantId, conversationId: c!.id, role: "user", content: text });
      return c!.id;
    });

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    llm = await startLlmMock();
    const pool = new LlmPool([{ id: "mock", kind: "openai", baseUrl: llm.url, apiKey: "", timeoutMs: 10_000, maxConcurrency: 4 }]);
    [{ id: tenantId }] = (await t.db.platform((tx) => tx.insert(tenants).values({ slug: "acme", name: "Acme" }).returning({ id: tenants.id }))) as [{ id: string }];
    agentId = (await t.db.withTenant(tenantId, (tx) => tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada", models: ["mock/m"] }).returning()))[0]!.id;
    channelId = (await t.db.withTenant(tenantId, (tx) => tx.insert(channels).values({ tenantId, agentId, kind: "telegram", name: "tg", mode: "polling", secrets: Buffer.from("x") }).returning()))[0]!.id;
    // Two replicas: each its own engine and sweep, one database.
    const config = validate({ ...EMBEDDINGS_CONFIG, data_dir: t.dataDir, memory: { idle_minutes: 0 } });
    a = await openSemantic(config, t, log);
    b = await openSemantic(config, t, log);
    await a.start(pool);
    await b.start(pool);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await llm.stop();
    await t.cleanup();
  });
  beforeEach(async () => {
    await llm.reset();
  });

  test("a closed conversation queues its job, which reads it once", async () => {
    llm.replyAll('["The user drinks green tea"]');
    const id = await endedConversation("I only drink green tea.");
    a.conversationEnded(tenantId, id);
    // conversationEnded queues without waiting: under load the job may not exist yet 200 ms later.
    // (pg-boss may still be installing its schema: a missing table reads as "not yet".)
    const queued = () => jobs(id).then((r) => r.length > 0, () => false);
    for (const until = Date.now() + 20_000; !(await queued()) && Date.now() < until; ) await Bun.sleep(50);
    await a.extracted();
    expect(extractions()).toHaveLength(1);
    expect((await jobs(id)).map((j) => j.state)).toEqual(["completed"]);
    expect((await a.memory.recall(tenantId, { agentId, userKey: "", query: "tea", budgetTokens: 100 })).map((m) => m.content)).toEqual(["The user drinks green tea"]);
  }, 60_000);

  test("two replicas queue the same conversation while it is being read: read exactly once", async () => {
    llm.on({}, { text: '["The user works in Porto"]', delayMs: 1500 });
    const id = await endedConversation("I work in the Porto office.");
    expect(await a.sweep()).toBeGreaterThanOrEqual(1);
    // While replica A's job waits for the slow model, replica B's sweep (and A's again) queue it too.
    await Bun.sleep(700);
    await b.sweep();
    await a.sweep();
    await Bun.sleep(2500);
    await Promise.all([a.extracted(), b.extracted()]);
    expect(extractions()).toHaveLength(1);
    expect((await jobs(id)).every((j) => j.state === "completed")).toBe(true);
    expect(await a.sweep()).toBe(0);
  }, 60_000);

  test("a conversation that ended before the job engine (no job) is queued by the sweep and read once", async () => {
    llm.replyAll('["The user has a dog named Rex"]');
    const id = await endedConversation("My dog Rex needs a walk at noon.");
    expect(await jobs(id)).toEqual([]);
    await Promise.all([a.sweep(), b.sweep()]);
    await Bun.sleep(200);
    await Promise.all([a.extracted(), b.extracted()]);
    expect(extractions()).toHaveLength(1);
    // Under load one replica's sweep can read the conversation before the other's job finishes and
    // queue after it (singleton keys only cover queued and active jobs): a second job is allowed, a
    // second read is not.
    const states = (await jobs(id)).map((j) => j.state);
    expect(states.length).toBeGreaterThanOrEqual(1);
    expect(states.every((s) => s === "completed")).toBe(true);
  }, 60_000);
});
