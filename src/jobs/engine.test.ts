import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { eventually } from "../../test/support/app.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { JobEngine } from "./engine.ts";

const log = pino({ level: "silent" });

describe.each(DB_KINDS)("job engine (pg-boss) on %s Postgres", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(() => t.cleanup());

  test("pg-boss's schema comes with the migrations, at the installed pg-boss's version; the migration skips an existing one", async () => {
    const [row] = await t.db.driver.raw.query<{ version: string }>("select version::text as version from pgboss.version");
    expect(Number(row!.version)).toBe((await import("pg-boss/version.json")).default.schema);
    const migration = await Bun.file(new URL("../../migrations/0057_job_engine_schema.sql", import.meta.url)).text();
    await t.db.driver.raw.query(migration); // pg-boss created it already (as on a database from before 0057): nothing happens
    expect(await t.db.driver.raw.query("select version from pgboss.version")).toHaveLength(1);
  });

  test("lazy: nothing loads at start on a fresh database; a send boots it and the job runs once", async () => {
    const seen: string[] = [];
    const engine = new JobEngine({ db: t.db, url: t.url, pollSeconds: 1, log }).define<{ n: string }>("echo", {
      workers: 2,
      handler: async (data) => void seen.push(data.n),
    });
    await engine.start();
    expect(engine.running).toBe(false);
    const started = Date.now();
    await engine.send("echo", { n: "a" });
    expect(engine.running).toBe(true);
    await eventually(() => seen.length === 1, 10_000, "job worked");
    // A send wakes our own worker at once instead of waiting for the next poll.
    expect(Date.now() - started).toBeLessThan(3000);
    await Bun.sleep(1500);
    expect(seen).toEqual(["a"]);
    await engine.stop();
  });

  test("two engines on one database (replicas) work each job exactly once", async () => {
    const seen: number[] = [];
    const make = () => new JobEngine({ db: t.db, url: t.url, pollSeconds: 0.5, log }).define<{ n: number }>("count", { workers: 3, handler: async (d) => void seen.push(d.n) });
    const a = make();
    const b = make();
    for (let i = 0; i < 20; i++) await (i % 2 ? a : b).send("count", { n: i });
    await eventually(() => seen.length >= 20, 20_000, "all jobs worked");
    await Bun.sleep(1000);
    expect(seen.toSorted((x, y) => x - y)).toEqual([...Array(20).keys()]);
    await Promise.all([a.stop(), b.stop()]);
  });

  test("sendMany queues a burst in one call; each job is worked exactly once", async () => {
    const seen: number[] = [];
    const engine = new JobEngine({ db: t.db, url: t.url, pollSeconds: 0.5, log }).define<{ n: number }>("burst", { workers: 4, handler: async (d) => void seen.push(d.n) });
    await engine.sendMany("burst", []);
    expect(engine.running).toBe(false); // nothing to queue: pg-boss stays unloaded
    const started = Date.now();
    await engine.sendMany("burst", Array.from({ length: 300 }, (_, n) => ({ n })));
    await eventually(() => seen.length >= 300, 30_000, "burst worked");
    // A worker that had a job fetches again at once: 4 workers polling every 0.5 s would need 37 s.
    expect(Date.now() - started).toBeLessThan(15_000);
    await Bun.sleep(700);
    expect(seen.toSorted((x, y) => x - y)).toEqual([...Array(300).keys()]);
    await engine.stop();
  });

  test("a restart with jobs waiting boots the engine at start and works them", async () => {
    const first = new JobEngine({ db: t.db, url: t.url, pollSeconds: 1, log }).define<{ n: number }>("later", { handler: async () => {} });
    await first.send("later", { n: 1 }, { startAfter: 2 });
    await first.stop();
    const seen: number[] = [];
    const second = new JobEngine({ db: t.db, url: t.url, pollSeconds: 0.5, log }).define<{ n: number }>("later", { handler: async (d) => void seen.push(d.n) });
    await second.start();
    expect(second.running).toBe(true);
    await eventually(() => seen.length === 1, 10_000, "waiting job worked after restart");
    await second.stop();
  });

  test("stately: one job waiting per key (a second send is refused); one sent while it runs waits for it", async () => {
    let running = 0;
    let most = 0;
    const runs: string[] = [];
    const engine = new JobEngine({ db: t.db, url: t.url, pollSeconds: 0.5, log }).define<{ k: string }>("keyed", {
      policy: "stately",
      workers: 3,
      handler: async (d) => {
        most = Math.max(most, ++running);
        await Bun.sleep(600);
        runs.push(d.k);
        running--;
      },
    });
    expect(await engine.send("keyed", { k: "a1" }, { singletonKey: "a", startAfter: 1 })).toBeString();
    expect(await engine.send("keyed", { k: "a2" }, { singletonKey: "a", startAfter: 1 })).toBeNull();
    await eventually(() => running === 1, 10_000, "first job running");
    expect(await engine.send("keyed", { k: "a3" }, { singletonKey: "a" })).toBeString();
    await eventually(() => runs.length === 2, 10_000, "both jobs worked");
    expect(runs).toEqual(["a1", "a3"]);
    expect(most).toBe(1);
    expect(() => engine.define("late", { handler: async () => {} })).toThrow(/defined after the engine started/);
    await engine.stop();
  });

  test("pg-boss's tables are platform tables: the tenant role cannot read them", async () => {
    const tenant = crypto.randomUUID();
    const err = await t.db.withTenant(tenant, (tx) => tx.execute("select count(*) from pgboss.job" as never)).catch((e) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/permission denied/);
  });
});
