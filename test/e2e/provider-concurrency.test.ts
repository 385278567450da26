/**
 * A provider's max_concurrency across replicas: two createApp instances on one Postgres and one real
 * Redis, a provider with max_concurrency 2 whose model holds each answer 300 ms; 6 calls on each
 * replica at once → the LLM mock never sees more than 2 in flight. The same two replicas' pools
 * without Redis (per-replica limit) reach 4, which is what the cluster gate prevents. Another
 * deployment (its own database) on the same Redis, with a provider of the same id, has slots of its
 * own. A crashed replica's leases (never released) free their slots when they expire.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import pino from "pino";
import { type App, createApp } from "../../src/app/create-app.ts";
import { validate } from "../../src/config/load.ts";
import { installationId, redisNamespace } from "../../src/db/installation.ts";
import { ClusterSemaphore } from "../../src/llm/cluster-semaphore.ts";
import { LlmPool } from "../../src/llm/pool.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { REDIS_URL, tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { securityConfig } from "../support/outbound.ts";

const quiet = pino({ level: "silent" });

describe("provider max_concurrency across replicas (Redis)", () => {
  let llm: LlmMock;
  let a: TestApp;
  let b: App;
  let redis: Redis;
  const dir = tempDir();
  // Unique per run: other test files share this Redis.
  const provider = `p${crypto.randomUUID().slice(0, 8)}`;
  const config = () => ({
    secrets: { key: "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhs=" },
    redis: { url: REDIS_URL },
    llm: { providers: [{ id: provider, kind: "openai", base_url: llm.url, api_key: "sk-x", max_concurrency: 2 }] },
  });

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.on({ model: "slow" }, { text: "done", delayMs: 300 });
    a = await startTestApp("external", config(), { adapters: {} });
    b = createApp(validate({ security: securityConfig, ...config(), data_dir: dir.path, database: { url: a.app.config.database.url, pool_size: 4, connect_attempts: 1 } }), { log: quiet, listen: false, adapters: {} });
    await b.start();
    redis = new Redis(REDIS_URL);
  }, 60_000);
  afterAll(async () => {
    await b?.stop();
    await a?.cleanup();
    dir.remove();
    redis?.disconnect();
    await llm?.stop();
  });

  const burst = (pools: Pick<LlmPool, "chat">[], n: number) =>
    Promise.all(pools.flatMap((p) => Array.from({ length: n }, (_, i) => p.chat([`${provider}/slow`], { messages: [{ role: "user", content: `q${i}` }] }))));

  test("6 calls on each of two replicas: never more than 2 at the provider", async () => {
    await llm.reset();
    llm.on({ model: "slow" }, { text: "done", delayMs: 300 });
    const answers = await burst([a.app.gateway.pool, b.gateway.pool], 6);
    expect(answers.every((r) => r.content === "done")).toBe(true);
    expect(llm.peakInFlight()).toBe(2);
    const key = `${redisNamespace(await installationId(a.app.db))}llm:slots:${provider}`;
    expect(await redis.zcard(key)).toBe(0);
  }, 30_000);

  test("another deployment on the same Redis does not share this one's slots", async () => {
    const other = await startTestApp("external", config(), { adapters: {} });
    try {
      await llm.reset();
      llm.on({ model: "slow" }, { text: "done", delayMs: 300 });
      await burst([a.app.gateway.pool, other.app.gateway.pool], 4);
      expect(llm.peakInFlight()).toBe(4);
    } finally {
      await other.cleanup();
    }
  }, 60_000);

  test("without Redis each replica keeps its own limit: the provider sees 4", async () => {
    await llm.reset();
    llm.on({ model: "slow" }, { text: "done", delayMs: 300 });
    const settings = { id: provider, kind: "openai" as const, baseUrl: llm.url, apiKey: "sk-x", timeoutMs: 10_000, maxConcurrency: 2 };
    await burst([new LlmPool([settings]), new LlmPool([settings])], 6);
    expect(llm.peakInFlight()).toBe(4);
  }, 30_000);

  test("a crashed replica's lease expires and frees its slot", async () => {
    const key = `konstruct:test:slots:${crypto.randomUUID()}`;
    // The lease a replica held when it was killed: nothing renews or releases it any more.
    const [secs, micros] = await redis.time();
    const nowMs = Number(secs) * 1000 + Math.floor(Number(micros) / 1000);
    await redis.zadd(key, String(nowMs + 1000), "dead-replica-lease");
    const gate = new ClusterSemaphore(redis, key, 1, quiet, 400);
    const started = Date.now();
    const release = await gate.acquire(AbortSignal.timeout(5_000));
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThan(500);
    expect(waited).toBeLessThan(2_500);
    expect(await redis.zrange(key, "0", "-1")).not.toContain("dead-replica-lease");
    release();
    await Bun.sleep(50);
    expect(await redis.zcard(key)).toBe(0);
    await redis.del(key);
  }, 10_000);
});
