/**
 * The gate's promises, run against both stores: in-process (injected clock) and real Redis (real,
 * short waits). Redis tests use a random key prefix each and delete their keys afterwards.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import Redis from "ioredis";
import pino from "pino";
import { REDIS_URL } from "../../../test/support/db.ts";
import type { Config } from "../../config/schema.ts";
import type { BucketStore } from "./bucket.ts";
import { createGate, politeRefusal, RateLimitGate } from "./gate.ts";
import { MemoryBucketStore } from "./memory.ts";
import { createRedisBucketStore } from "./redis.ts";

const log = pino({ level: "silent" });
const admin = new Redis(REDIS_URL);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
afterAll(() => admin.quit());

async function deleteKeys(pattern: string) {
  const keys = await admin.keys(pattern);
  if (keys.length) await admin.del(...keys);
}

type Env = { store: BucketStore; advance(ms: number): Promise<void> };
const BACKENDS: Record<string, () => Promise<Env>> = {
  memory: async () => {
    let now = 0;
    return { store: new MemoryBucketStore({ now: () => now }), advance: async (ms) => void (now += ms) };
  },
  redis: async () => {
    const prefix = `konstruct:rl:test:${crypto.randomUUID()}:`;
    const store = await createRedisBucketStore(REDIS_URL, { log, keyPrefix: prefix });
    cleanups.push(async () => {
      await store.close();
      await deleteKeys(`${prefix}*`);
    });
    return { store, advance: (ms) => Bun.sleep(ms) };
  },
};

const wide = { capacity: 1000, refill_per_sec: 0.001 };
const limits = (l: Partial<Config["limits"]>): Config["limits"] => ({ tenant: wide, connection: wide, user: wide, ...l });
const still = (capacity: number) => ({ capacity, refill_per_sec: 0.001 });
const who = (userId: string, connectionId = "conn-1", tenantId = "tenant-1") => ({ tenantId, connectionId, userId });

for (const [name, make] of Object.entries(BACKENDS)) {
  describe(`RateLimitGate on ${name}`, () => {
    test("a burst of capacity+5 gets exactly one polite refusal; after refill a new dry spell gets one more", async () => {
      const { store, advance } = await make();
      const gate = new RateLimitGate(store, limits({ user: { capacity: 3, refill_per_sec: 1 } }));
      const burst = [];
      for (let i = 0; i < 8; i++) burst.push(await gate.check(who("alice")));
      expect(burst.map((v) => v.allowed)).toEqual([true, true, true, false, false, false, false, false]);
      expect(burst.map((v) => v.notify)).toEqual([false, false, false, true, false, false, false, false]);
      expect(burst[3]).toMatchObject({ scope: "user", message: politeRefusal("user", 1000) });
      expect(burst[3]!.message).toContain("try again in about a second");

      await advance(1100); // one token back, and the first spell's marker (1 s) has expired
      const next = [];
      for (let i = 0; i < 4; i++) next.push(await gate.check(who("alice")));
      expect(next.map((v) => [v.allowed, v.notify])).toEqual([[true, false], [false, true], [false, false], [false, false]]);
    });

    test("a noisy user is limited while another user of the same connection still passes", async () => {
      const { store } = await make();
      const gate = new RateLimitGate(store, limits({ user: still(2), connection: still(3) }));
      const noisy = [];
      for (let i = 0; i < 10; i++) noisy.push(await gate.check(who("noisy")));
      expect(noisy.filter((v) => v.allowed)).toHaveLength(2);
      expect(noisy.every((v) => v.allowed || v.scope === "user")).toBe(true);
      // The noisy user's 8 refusals took nothing from the connection bucket: 1 of 3 is left.
      expect((await gate.check(who("quiet"))).allowed).toBe(true);
      expect(await gate.check(who("third"))).toMatchObject({ allowed: false, notify: true, scope: "connection" });
    });

    test("the tenant bucket is shared across connections, and each refused user is told once", async () => {
      const { store } = await make();
      const gate = new RateLimitGate(store, limits({ tenant: still(4) }));
      for (const [u, c] of [["a", "c1"], ["b", "c1"], ["c", "c2"], ["d", "c3"]] as const) expect((await gate.check(who(u, c))).allowed).toBe(true);
      const refused = await gate.check(who("e", "c4"));
      expect(refused).toMatchObject({ allowed: false, notify: true, scope: "tenant", message: expect.stringContaining("Your team") });
      expect((await gate.check(who("e", "c4"))).notify).toBe(false);
      expect(await gate.check(who("a", "c1"))).toMatchObject({ allowed: false, notify: true, scope: "tenant" });
    });

    test("two tenants never share a bucket, even with identical or colliding ids", async () => {
      const { store } = await make();
      const gate = new RateLimitGate(store, limits({ tenant: still(2), connection: still(2), user: still(2) }));
      for (const t of ["t-a", "t-b"]) {
        expect((await gate.check(who("u", "c", t))).allowed).toBe(true);
        expect((await gate.check(who("u", "c", t))).allowed).toBe(true);
        expect((await gate.check(who("u", "c", t))).allowed).toBe(false);
      }
      // Without escaping, tenant "x:y"/conn "z" and tenant "x"/conn "y:z" would share `c:x:y:z`.
      const tight = new RateLimitGate(store, limits({ connection: still(1) }));
      expect((await tight.check(who("u", "z", "x:y"))).allowed).toBe(true);
      expect((await tight.check(who("u", "y:z", "x"))).allowed).toBe(true);
    });
  });
}

test("politeRefusal names the limit and rounds the wait up into plain English", () => {
  expect(politeRefusal("user", 37_000)).toBe("You're sending messages faster than I can answer them — please try again in about 40 seconds.");
  expect(politeRefusal("tenant", 170_000)).toBe("Your team is sending me more messages than I can handle right now — please try again in about 3 minutes.");
  expect(politeRefusal("connection", 4200)).toContain("in about 5 seconds.");
  expect(politeRefusal("user", 0)).toContain("in about a second.");
  expect(politeRefusal("user", 57_000)).toContain("in about a minute.");
  expect(politeRefusal("user", 61_000)).toContain("in about 2 minutes.");
  expect(politeRefusal("user", 3 * 3600_000 - 1)).toContain("in about 3 hours.");
  expect(new Set(["user", "connection", "tenant"].map((s) => politeRefusal(s as "user", 1000).split(" — ")[0])).size).toBe(3);
});

test("createGate uses Redis when redis.url is set (default key prefix) and memory otherwise", async () => {
  const tenantId = `test-${crypto.randomUUID()}`;
  const cfg = limits({});
  const inMemory = await createGate(cfg, "", log);
  await inMemory.check(who("u", "c", tenantId));
  expect(await admin.exists(`konstruct:rl:t:${tenantId}`)).toBe(0);
  await inMemory.close();

  const shared = await createGate(cfg, REDIS_URL, log);
  try {
    await shared.check(who("u", "c", tenantId));
    expect(await admin.exists(`konstruct:rl:t:${tenantId}`)).toBe(1);
  } finally {
    await shared.close();
    await deleteKeys(`konstruct:rl:*${tenantId}*`);
  }
});

test("a memory-only gate never loads ioredis (idle memory budget)", async () => {
  const script = `
    const { createGate } = await import(${JSON.stringify(`${import.meta.dir}/gate.ts`)});
    const b = { capacity: 1, refill_per_sec: 1 };
    const gate = await createGate({ tenant: b, connection: b, user: b }, "", (await import("pino")).default({ level: "silent" }));
    await gate.check({ tenantId: "t", connectionId: "c", userId: "u" });
    console.log(Object.keys(require.cache).filter((k) => k.includes("ioredis")).length);`;
  const proc = Bun.spawnSync(["bun", "-e", script], { cwd: import.meta.dir });
  expect(proc.stderr.toString()).toBe("");
  expect(proc.stdout.toString().trim()).toBe("0");
});
