import { expect, test } from "bun:test";
import { MemoryBucketStore } from "./memory.ts";

function clocked(opts: { sweepIntervalMs?: number; maxKeys?: number } = {}) {
  let now = 1_000_000;
  const store = new MemoryBucketStore({ now: () => now, ...opts });
  return { store, advance: (ms: number) => void (now += ms) };
}

test("a new bucket is full: a burst of capacity passes, then refusal with the time to one token", async () => {
  const { store } = clocked();
  for (let i = 0; i < 3; i++) expect(await store.take("k", 3, 2)).toEqual({ allowed: true, retryAfterMs: 0 });
  expect(await store.take("k", 3, 2)).toEqual({ allowed: false, retryAfterMs: 500 });
});

test("refill is continuous and retryAfter counts down with it; refusals consume nothing", async () => {
  const { store, advance } = clocked();
  expect((await store.take("k", 1, 0.2)).allowed).toBe(true);
  expect(await store.take("k", 1, 0.2)).toEqual({ allowed: false, retryAfterMs: 5000 });
  advance(1234);
  for (let i = 0; i < 5; i++) expect(await store.take("k", 1, 0.2)).toEqual({ allowed: false, retryAfterMs: 3766 });
  advance(3765);
  expect(await store.take("k", 1, 0.2)).toEqual({ allowed: false, retryAfterMs: 1 });
  advance(1);
  expect((await store.take("k", 1, 0.2)).allowed).toBe(true);
  expect((await store.take("k", 1, 0.2)).allowed).toBe(false);
});

test("waiting exactly retryAfterMs is always enough, despite floating-point refill", async () => {
  const { store, advance } = clocked();
  // Arbitrary gaps leave arbitrary fractional tokens; without the epsilon, step 1637 lands at
  // 0.9999999999999999 tokens after waiting exactly as told.
  for (let i = 1; i < 2000; i++) {
    advance((i * 7919) % 4001);
    const { allowed, retryAfterMs } = await store.take("k", 3, 0.7);
    if (allowed) continue;
    advance(retryAfterMs);
    expect((await store.take("k", 3, 0.7)).allowed).toBe(true);
  }
});

test("refill is capped at capacity however long the bucket was idle", async () => {
  const { store, advance } = clocked();
  await store.take("k", 4, 1);
  advance(3_600_000);
  const verdicts = await Promise.all(Array.from({ length: 6 }, () => store.take("k", 4, 1)));
  expect(verdicts.filter((v) => v.allowed)).toHaveLength(4);
});

test("buckets are independent per key", async () => {
  const { store } = clocked();
  expect((await store.take("a", 1, 1)).allowed).toBe(true);
  expect((await store.take("a", 1, 1)).allowed).toBe(false);
  expect((await store.take("b", 1, 1)).allowed).toBe(true);
});

test("markNotified: first call wins until the ttl passes", async () => {
  const { store, advance } = clocked();
  expect(await store.markNotified("n", 1000)).toBe(true);
  expect(await store.markNotified("n", 1000)).toBe(false);
  expect(await store.markNotified("other", 1000)).toBe(true);
  advance(999);
  expect(await store.markNotified("n", 1000)).toBe(false);
  advance(1);
  expect(await store.markNotified("n", 1000)).toBe(true);
});

test("the sweep drops buckets that are full again and expired markers, keeping live state", async () => {
  const { store, advance } = clocked({ sweepIntervalMs: 10_000 });
  for (let i = 0; i < 5000; i++) await store.take(`u:${i}`, 10, 1);
  await store.markNotified("marker", 500);
  while ((await store.take("drained", 2, 0.001)).allowed);
  expect(store.size).toBe(5002);
  advance(10_000);
  expect((await store.take("drained", 2, 0.001)).allowed).toBe(false);
  expect(store.size).toBe(1);
});

test("maxKeys bounds memory even inside one refill window, evicting least recently used", async () => {
  const { store } = clocked({ maxKeys: 10 });
  await store.take("hot", 1, 0.001);
  for (let i = 0; i < 50; i++) {
    await store.take(`cold:${i}`, 1, 0.001);
    expect((await store.take("hot", 1, 0.001)).allowed).toBe(false);
  }
  expect(store.size).toBe(10);
});
