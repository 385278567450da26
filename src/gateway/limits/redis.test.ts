/**
 * The Redis store on its own: atomicity under concurrency, replicas sharing limits, key expiry,
 * fail-open at run time and a clear failure at start-up. Each test uses its own key prefix.
 */
import { afterAll, afterEach, expect, test } from "bun:test";
import { Writable } from "node:stream";
import Redis from "ioredis";
import pino from "pino";
import { REDIS_URL } from "../../../test/support/db.ts";
import { KonstructError } from "../../errors.ts";
import { RateLimitGate } from "./gate.ts";
import { createRedisBucketStore, type RedisBucketStore } from "./redis.ts";

const log = pino({ level: "silent" });
const admin = new Redis(REDIS_URL);
const open: RedisBucketStore[] = [];
let prefix = "";
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length) await admin.del(...keys);
});
afterAll(() => admin.quit());

async function replica(logger = log, name?: string): Promise<RedisBucketStore> {
  const store = await createRedisBucketStore(REDIS_URL, { log: logger, keyPrefix: prefix, name });
  open.push(store);
  return store;
}
const fresh = () => (prefix = `konstruct:rl:test:${crypto.randomUUID()}:`);

test("bucket math on Redis: burst, refusal with retryAfter, refill, and expiry when full again", async () => {
  fresh();
  const store = await replica();
  for (let i = 0; i < 3; i++) expect((await store.take("k", 3, 20)).allowed).toBe(true);
  const refused = await store.take("k", 3, 20);
  expect(refused.allowed).toBe(false);
  expect(refused.retryAfterMs).toBeGreaterThan(0);
  expect(refused.retryAfterMs).toBeLessThanOrEqual(50);
  const pttl = await admin.pttl(`${prefix}k`);
  expect(pttl).toBeGreaterThan(0);
  expect(pttl).toBeLessThanOrEqual(150); // 3 tokens at 20/s
  await Bun.sleep(refused.retryAfterMs + 5);
  expect((await store.take("k", 3, 20)).allowed).toBe(true);
  await Bun.sleep(200);
  expect(await admin.exists(`${prefix}k`)).toBe(0);
});

test("50 concurrent takes on capacity 10 admit exactly 10", async () => {
  fresh();
  const store = await replica();
  const verdicts = await Promise.all(Array.from({ length: 50 }, () => store.take("hot", 10, 0.001)));
  expect(verdicts.filter((v) => v.allowed)).toHaveLength(10);
});

test("two replicas (two connections) share one limit and tell the user once", async () => {
  fresh();
  const limits = { tenant: { capacity: 100, refill_per_sec: 0.001 }, connection: { capacity: 100, refill_per_sec: 0.001 }, user: { capacity: 5, refill_per_sec: 0.001 } };
  const gates = [new RateLimitGate(await replica(), limits), new RateLimitGate(await replica(), limits)];
  const verdicts = [];
  for (let i = 0; i < 10; i++) verdicts.push(await gates[i % 2]!.check({ tenantId: "t", connectionId: "c", userId: "u" }));
  expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
  expect(verdicts.filter((v) => v.notify)).toHaveLength(1);
});

test("the notify marker is set once across replicas and expires with its ttl", async () => {
  fresh();
  const [a, b] = [await replica(), await replica()];
  expect(await a.markNotified("n", 100)).toBe(true);
  expect(await b.markNotified("n", 100)).toBe(false);
  await Bun.sleep(120);
  expect(await b.markNotified("n", 100)).toBe(true);
});

test("a Redis failure at run time lets the message through and logs a warning", async () => {
  fresh();
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
  const store = await replica(pino({ level: "warn" }, sink));
  while ((await store.take("k", 2, 0.001)).allowed);
  await store.close(); // the connection is gone: every check now errors
  expect(await store.take("k", 2, 0.001)).toEqual({ allowed: true, retryAfterMs: 0 });
  expect(lines.join("")).toContain("allowing the message");
});

test("after the connection drops, checks fail open until it reconnects, then limits hold again", async () => {
  fresh();
  // Other test processes (and other installs) share this Redis: find this store's connection by a
  // name of its own, never by the default every store carries.
  const name = `konstruct-ratelimit-${crypto.randomUUID()}`;
  const store = await replica(log, name);
  while ((await store.take("k", 2, 0.001)).allowed);
  const clients = (await admin.client("LIST")) as string;
  const ids = clients.split("\n").filter((l) => l.includes(`name=${name} `)).map((l) => l.match(/^id=(\d+)/)![1]!);
  expect(ids).toHaveLength(1);
  await admin.client("KILL", "ID", ids[0]!);
  await Bun.sleep(30);
  expect((await store.take("k", 2, 0.001)).allowed).toBe(true);
  // ioredis reconnects after ~200 ms; on a loaded machine later. Wait for it (bounded), then the
  // still-empty bucket refuses again.
  const until = Date.now() + 10_000;
  while ((await store.take("k", 2, 0.001)).allowed && Date.now() < until) await Bun.sleep(50);
  expect((await store.take("k", 2, 0.001)).allowed).toBe(false);
});

test("an unreachable redis.url fails start-up clearly after bounded retries, password redacted", async () => {
  const started = performance.now();
  const err = await createRedisBucketStore("redis://:hunter2@127.0.0.1:1", { log, attempts: 2, retryDelayMs: 10 }).catch((e) => e);
  expect(err).toBeInstanceOf(KonstructError);
  expect(err.code).toBe("redis_unavailable");
  expect(err.status).toBe(503);
  expect(err.message).toContain("redis.url");
  expect(err.message).toContain("after 2 attempt(s)");
  expect(err.message).not.toContain("hunter2");
  expect(performance.now() - started).toBeLessThan(5000);
});
