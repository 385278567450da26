/**
 * Configuration edits across replicas, on real Postgres (and real Redis): two Connections (two
 * replicas) over one database; an edit applied on replica A restarts the connection on replica B
 * within 2 s, from the row (B sees the new name), and A does not restart it twice — with Postgres
 * NOTIFY alone, and with Redis pub/sub alongside it (each notice applied once, whichever transport
 * brings it first; either transport alone still delivers). Malformed notices are dropped.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import pino from "pino";
import Redis from "ioredis";
import { openTestDatabase, REDIS_URL, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants } from "../../test/support/two-tenants.ts";
import { channels } from "../db/schema/index.ts";
import { SecretBox } from "../secrets/box.ts";
import { ConfigBus } from "./config-bus.ts";
import { CONFIG_EVENTS, parseConfigEvent, publishConfigEvent } from "./config-events.ts";
import { type AdapterFactory, Connections } from "./connections.ts";
import type { Pipeline } from "./pipeline.ts";

const log = pino({ level: "silent" });

describe.each(["postgres", "redis"] as const)("channel edits reach every replica (external Postgres, transport %s)", (transport) => {
  let t: TestDatabase;
  const buses: ConfigBus[] = [];
  // Other test processes may publish on the shared Redis at the same time (Postgres NOTIFY is per
  // database): this suite's buses talk on a channel of their own, so `heard` counts only ours.
  const channel = `${CONFIG_EVENTS}:test:${crypto.randomUUID()}`;
  const bus = async () => {
    const b = transport === "redis" ? await ConfigBus.open(t.db, REDIS_URL, log, channel) : ConfigBus.postgres(t.db);
    buses.push(b);
    return b;
  };
  beforeAll(async () => {
    t = await openTestDatabase("external");
  });
  afterAll(async () => {
    for (const b of buses) await b.close();
    await t.cleanup();
  });

  test("an edit on replica A restarts the connection on replica B within 2 s", async () => {
    const box = await SecretBox.open("", t.dataDir);
    const { A } = await seedTwoTenants(t.db, "events");
    const [row] = await t.db.withTenant(A.tenant, (tx) =>
      tx.insert(channels).values({ tenantId: A.tenant, agentId: A.agent, kind: "fake", name: "before", mode: "polling", secrets: box.sealJson({}) }).returning({ id: channels.id }),
    );
    const started: { replica: string; name: string; at: number }[] = [];
    const factory = (replica: string): AdapterFactory => (def) => ({
      capabilities: { threads: false, buttons: false, files: false, edits: false, typing: false, maxMessageLength: 4000 },
      start: async () => void started.push({ replica, name: def.name, at: Date.now() }),
      stop: async () => {},
      send: async () => ({ externalId: "1" }),
    }) as never;
    const pipeline = { sinkFor: () => async () => {} } as unknown as Pipeline;
    // One after the other: buses[i] must be replica i's (Redis connects at its own pace).
    const replicas: Connections[] = [];
    for (const r of ["a", "b"]) replicas.push(new Connections(t.db, box, { fake: factory(r) }, log, fetch, "", undefined, await bus()));
    for (const c of replicas) {
      await c.load();
      await c.start(pipeline);
    }
    expect(started.map((s) => s.replica).sort()).toEqual(["a", "b"]);
    expect(replicas[1]!.states()).toEqual([{ kind: "fake", up: true }]);
    started.length = 0;

    await t.db.withTenant(A.tenant, (tx) => tx.update(channels).set({ name: "after" }).where(eq(channels.id, row!.id)));
    const editedAt = Date.now();
    await replicas[0]!.reload(A.tenant, row!.id);
    const deadline = Date.now() + 2_000;
    while (!started.some((s) => s.replica === "b") && Date.now() < deadline) await Bun.sleep(20);
    const onB = started.find((s) => s.replica === "b");
    expect(onB?.name).toBe("after");
    expect(onB!.at - editedAt).toBeLessThan(2_000);
    await Bun.sleep(300);
    expect(started.filter((s) => s.replica === "a")).toHaveLength(1);
    // Heard over both transports with Redis, applied once.
    expect(started.filter((s) => s.replica === "b")).toHaveLength(1);
    if (transport === "redis") expect(buses[1]!.heard.redis + buses[1]!.heard.postgres).toBe(1);
    for (const c of replicas) await c.stop();
    expect(replicas[0]!.states()).toEqual([{ kind: "fake", up: false }]);
  }, 30_000);

  // Redis only: the transports one at a time.
  if (transport === "redis")
    test("a notice over Redis alone is applied at once; over Postgres alone too (the fallback); never twice", async () => {
    const b = await bus();
    const got: string[] = [];
    const stop = await b.listen("replica-b", log, { provider: async (e) => void got.push(e.id) });
    const raw = new Redis(REDIS_URL);
    const notice = (id: string) => ({ kind: "provider", tenantId: null, id, from: "replica-a", n: crypto.randomUUID() });
    const viaRedis = notice("only-redis");
    await raw.publish(channel, JSON.stringify(viaRedis));
    const viaPg = notice("only-postgres");
    await publishConfigEvent(t.db, viaPg as never);
    // Both transports carrying one notice: applied once.
    const both = notice("both");
    await Promise.all([raw.publish(channel, JSON.stringify(both)), publishConfigEvent(t.db, both as never)]);
    const deadline = Date.now() + 2_000;
    while (got.length < 3 && Date.now() < deadline) await Bun.sleep(20);
    await Bun.sleep(200);
    expect(got.sort()).toEqual(["both", "only-postgres", "only-redis"]);
    expect(b.heard.redis).toBeGreaterThanOrEqual(1);
    expect(b.heard.postgres).toBeGreaterThanOrEqual(1);
    await stop();
    await raw.quit();
  });

  test("malformed or oversized notices are refused", () => {
    expect(parseConfigEvent("{")).toBeNull();
    expect(parseConfigEvent(JSON.stringify({ kind: "channel", tenantId: "x", id: "y" }))).toBeNull();
    expect(parseConfigEvent(JSON.stringify({ kind: "provider", tenantId: null, id: "../etc" }))).toBeNull();
    expect(parseConfigEvent(JSON.stringify({ kind: "nope", id: "x" }))).toBeNull();
    expect(parseConfigEvent("x".repeat(600))).toBeNull();
    const ok = { kind: "channel", tenantId: crypto.randomUUID(), id: crypto.randomUUID(), from: "r1", n: crypto.randomUUID() };
    expect(parseConfigEvent(JSON.stringify({ ...ok, n: "x".repeat(80) }))).toEqual({ ...ok, n: undefined } as never);
    expect(parseConfigEvent(JSON.stringify(ok))).toEqual(ok as never);
    const platform = { kind: "provider", tenantId: null, id: "openai-2", from: "r1" };
    expect(parseConfigEvent(JSON.stringify(platform))).toEqual(platform as never);
  });
});
