/**
 * Schedules on both databases, two tenants: the cron preview across a DST change, exactly-once
 * firing with two tickers, missed runs under both policies with an injected clock, pause/resume,
 * and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import { rowsOf } from "../db/set-sql.ts";
import { channels, inboundEvents, outboundMessages, scheduleRuns, schedules, tasks } from "../db/schema/index.ts";
import { prepareResult } from "../tasks/report.ts";
import { nextRuns } from "./cron.ts";
import { deleteSchedule, insertSchedule, schedulesOf, setPaused } from "./store.ts";
import { ScheduleTicker, TICK_MS } from "./ticker.ts";

async function waitFor(probe: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms`);
    await Bun.sleep(5);
  }
}


const log = pino({ level: "silent" });

describe("cron preview", () => {
  test("next three runs in a zone, across both DST changes", () => {
    // Europe/Berlin moves 02:00 → 03:00 on 2026-03-29: 09:00 local is 08:00Z before, 07:00Z after.
    const runs = nextRuns("0 9 * * *", "Europe/Berlin", new Date("2026-03-27T12:00:00Z"), 3);
    expect(runs.map((d) => d.toISOString())).toEqual(["2026-03-28T08:00:00.000Z", "2026-03-29T07:00:00.000Z", "2026-03-30T07:00:00.000Z"]);
    // 02:30 local does not exist on the change day: the library runs it once, shifted past the gap
    // (03:30 CEST = 01:30Z), rather than losing the day.
    const gap = nextRuns("30 2 * * *", "Europe/Berlin", new Date("2026-03-28T12:00:00Z"), 2).map((d) => d.toISOString());
    expect(gap).toEqual(["2026-03-29T01:30:00.000Z", "2026-03-30T00:30:00.000Z"]);
    // Fall back (2026-10-25 03:00 → 02:00): 02:30 local happens twice, the run once a day.
    const twice = nextRuns("30 2 * * *", "Europe/Berlin", new Date("2026-10-24T12:00:00Z"), 3).map((d) => d.toISOString().slice(0, 10));
    expect(twice).toEqual(["2026-10-25", "2026-10-26", "2026-10-27"]);
  });
  test("bad input is refused", () => {
    expect(() => nextRuns("61 * * * *", "UTC", new Date())).toThrow(/invalid cron/);
    expect(() => nextRuns("* * * * *", "Mars/Olympus", new Date())).toThrow(/unknown time zone/);
    expect(() => nextRuns("*".repeat(500), "UTC", new Date())).toThrow(/characters/);
  });
});

describe.each(DB_KINDS)("schedules on %s Postgres", (kind) => {
  let t: TestDatabase;
  let ids: TwoTenants;
  let clock = new Date("2026-06-01T08:59:00Z");
  const enqueued: string[] = [];
  const ticker = () => new ScheduleTicker({ db: t.db, log, now: () => clock, enqueue: async (_t, ids) => void enqueued.push(...ids) });

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    ids = await seedTwoTenants(t.db, "s");
  });
  afterAll(() => t.cleanup());

  const add = (k: "A" | "B", cron: string, missedPolicy: "run_once" | "skip" = "run_once") =>
    t.db.withTenant(ids[k].tenant, (tx) =>
      insertSchedule(tx, { tenantId: ids[k].tenant, agentId: ids[k].agent, ownerUser: "u1", channelId: null, chatKey: "c1", cron, timeZone: "UTC", instruction: `report ${k}`, missedPolicy }, clock),
    );
  const runs = (k: "A" | "B", id: string) => t.db.withTenant(ids[k].tenant, (tx) => tx.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, id)).orderBy(scheduleRuns.dueAt));
  const clear = () => Promise.all((["A", "B"] as const).map((k) => t.db.withTenant(ids[k].tenant, (tx) => tx.delete(schedules))));

  test("a due time fires exactly once with two tickers; the task goes to the schedule's chat", async () => {
    clock = new Date("2026-06-01T08:59:00Z");
    const a = await add("A", "0 9 * * *");
    const b = await add("B", "0 9 * * *");
    expect(a.nextRunAt.toISOString()).toBe("2026-06-01T09:00:00.000Z");
    clock = new Date("2026-06-01T09:00:03Z");
    enqueued.length = 0;
    const [r1, r2] = await Promise.all([ticker().tick(), ticker().tick()]);
    expect(r1.fired + r2.fired).toBe(2); // one for A, one for B — not four
    expect(enqueued).toHaveLength(2);
    expect(await ticker().tick()).toEqual({ fired: 0, late: 0, skipped: 0 });
    const [run] = await runs("A", a.id);
    expect(run).toMatchObject({ status: "fired", dueAt: new Date("2026-06-01T09:00:00Z") });
    const [task] = await t.db.withTenant(ids.A.tenant, (tx) => tx.select().from(tasks).where(eq(tasks.id, run!.taskId!)));
    expect(task).toMatchObject({ goal: "report A", chatKey: "c1", requestedBy: "u1", eventId: run!.id, status: "queued" });
    const [after] = await t.db.withTenant(ids.A.tenant, (tx) => tx.select().from(schedules).where(eq(schedules.id, a.id)));
    expect(after!.nextRunAt.toISOString()).toBe("2026-06-02T09:00:00.000Z");
    expect(after!.lastRunAt?.toISOString()).toBe("2026-06-01T09:00:00.000Z");
    // Tenant isolation: B sees only its own schedule and runs.
    const seenByB = await t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(schedules));
    expect(seenByB.map((s) => s.id)).toEqual([b.id]);
    expect(await runs("B", a.id)).toEqual([]);
    expect(await t.db.withTenant(ids.B.tenant, (tx) => setPaused(tx, null, a.number + 100, true))).toBeNull();
    await clear();
  });

  test("missed runs while down: run_once → one late catch-up, skip → none; every due time recorded", async () => {
    clock = new Date("2026-06-01T00:30:00Z");
    const once = await add("A", "0 * * * *", "run_once");
    const skip = await add("A", "0 * * * *", "skip");
    clock = new Date("2026-06-01T03:10:00Z"); // 01:00, 02:00, 03:00 missed
    enqueued.length = 0;
    expect(await ticker().tick()).toEqual({ fired: 0, late: 1, skipped: 5 });
    const o = await runs("A", once.id);
    expect(o.map((r) => r.status)).toEqual(["skipped", "skipped", "late"]);
    expect(o[2]!.lateMs).toBe(10 * 60_000);
    expect(o[2]!.taskId).not.toBeNull();
    expect((await runs("A", skip.id)).map((r) => [r.status, r.taskId])).toEqual([["skipped", null], ["skipped", null], ["skipped", null]]);
    expect(enqueued).toHaveLength(1);
    await clear();
  });

  test("a scheduled run's result can be written to its chat's outbox (its run is the outbox key)", async () => {
    clock = new Date("2026-06-01T08:59:00Z");
    const channelId = crypto.randomUUID();
    await t.db.withTenant(ids.A.tenant, (tx) => tx.insert(channels).values({ tenantId: ids.A.tenant, id: channelId, agentId: ids.A.agent, kind: "webchat", name: "w", mode: "webhook", secrets: new Uint8Array(0) }));
    const s = await t.db.withTenant(ids.A.tenant, (tx) =>
      insertSchedule(tx, { tenantId: ids.A.tenant, agentId: ids.A.agent, ownerUser: "u1", channelId, chatKey: "c1", cron: "0 9 * * *", timeZone: "UTC", instruction: "brief me", missedPolicy: "skip" }, clock),
    );
    clock = new Date("2026-06-01T09:00:01Z");
    expect((await ticker().tick()).fired).toBe(1);
    const [run] = await runs("A", s.id);
    const written = await t.db.withTenant(ids.A.tenant, async (tx) => {
      const [task] = await tx.select().from(tasks).where(eq(tasks.id, run!.taskId!));
      return prepareResult(tx, { ...task!, status: "done", result: "the briefing" });
    });
    expect(written).not.toBeNull();
    const out = await t.db.withTenant(ids.A.tenant, (tx) => tx.select().from(outboundMessages).where(eq(outboundMessages.inboundEventId, run!.id)));
    expect(out.map((m) => [m.chatKey, m.text.includes("the briefing")])).toEqual([["c1", true]]);
    // The run's own event is never work for the inbox and lists no one's words.
    const [ev] = await t.db.withTenant(ids.A.tenant, (tx) => tx.select().from(inboundEvents).where(eq(inboundEvents.id, run!.id)));
    expect(ev).toMatchObject({ status: "ignored", eventKey: `schedule:${run!.id}` });
    expect(await t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(outboundMessages))).toEqual([]);
    await clear();
  });

  test("pause holds runs; resume applies the missed-run policy; owner-scoped delete", async () => {
    clock = new Date("2026-06-01T00:30:00Z");
    const s = await add("B", "0 * * * *", "run_once");
    const owner = { agentId: ids.B.agent, ownerUser: "u1" };
    expect(await t.db.withTenant(ids.B.tenant, (tx) => setPaused(tx, { ...owner, ownerUser: "other" }, s.number, true))).toBeNull();
    expect((await t.db.withTenant(ids.B.tenant, (tx) => setPaused(tx, owner, s.number, true)))?.paused).toBe(true);
    clock = new Date("2026-06-01T02:00:30Z");
    expect(await ticker().tick()).toEqual({ fired: 0, late: 0, skipped: 0 });
    await t.db.withTenant(ids.B.tenant, (tx) => setPaused(tx, owner, s.number, false));
    expect(await ticker().tick()).toEqual({ fired: 0, late: 1, skipped: 1 });
    expect((await runs("B", s.id)).map((r) => r.status)).toEqual(["skipped", "late"]);
    clock = new Date("2026-06-01T03:00:01Z");
    expect(await ticker().tick()).toEqual({ fired: 1, late: 0, skipped: 0 });
    expect(await t.db.withTenant(ids.B.tenant, (tx) => deleteSchedule(tx, { ...owner, ownerUser: "other" }, s.number))).toBeNull();
    expect((await t.db.withTenant(ids.B.tenant, (tx) => deleteSchedule(tx, owner, s.number)))?.id).toBe(s.id);
    expect(await t.db.withTenant(ids.B.tenant, (tx) => schedulesOf(tx, owner))).toEqual([]);
  });

  test("wakes at the earliest due time, not at the next fixed tick; a wake() re-arms it for a new schedule", async () => {
    // The injected clock runs on with real time from a chosen instant, so the real timer is what is tested.
    const base = new Date("2026-06-01T08:59:59.400Z").getTime();
    const t0 = Date.now();
    clock = new Date(base);
    const moving = () => new Date(base + (Date.now() - t0));
    const fired: number[] = [];
    let warmed = 0;
    const make = () => new ScheduleTicker({ db: t.db, log, now: moving, warm: async () => void warmed++, enqueue: async (_t, ids) => void fired.push(...ids.map(() => Date.now() - t0)) });
    const s = await add("A", "0 9 * * *"); // due at 09:00:00, 0.6 s after `base`
    const a = make();
    a.start();
    try {
      await waitFor(() => warmed > 0, 2000); // the job engine is booted before the due time…
      expect(fired).toEqual([]);
      await waitFor(() => fired.length === 1, 3000);
      expect(fired[0]!).toBeGreaterThanOrEqual(550); // not before its time…
      expect(fired[0]!).toBeLessThan(1500); // …and not at the next 5 s tick
      // The pass that fired it learns the next due time as it ends.
      await waitFor(() => a.nextDue?.toISOString() === "2026-06-02T09:00:00.000Z", 2000);
      // …and not for a due time a day away.
      const warmedBefore = warmed;
      await Bun.sleep(50);
      expect(warmed).toBe(warmedBefore);
      // Now the ticker sleeps TICK_MS; a schedule saved here (due in ~0.7 s) wakes it in time.
      clock = moving();
      const soon = new Date(Math.ceil((moving().getTime() + 700) / 1000) * 1000);
      const b = await t.db.withTenant(ids.B.tenant, (tx) =>
        insertSchedule(tx, { tenantId: ids.B.tenant, agentId: ids.B.agent, ownerUser: "u1", channelId: null, chatKey: "c1", cron: `${soon.getUTCSeconds()} ${soon.getUTCMinutes()} ${soon.getUTCHours()} * * *`, timeZone: "UTC", instruction: "soon", missedPolicy: "skip" }, clock),
      );
      expect(b.nextRunAt.getTime()).toBe(soon.getTime());
      const armed = Date.now() - t0;
      a.wake(b.nextRunAt);
      await waitFor(() => fired.length === 2, 4000);
      expect(fired[1]! - armed).toBeLessThan(TICK_MS - 2000);
      expect((await runs("A", s.id)).map((r) => r.status)).toEqual(["fired"]);
      expect((await runs("B", b.id)).map((r) => r.status)).toEqual(["fired"]);
    } finally {
      a.stop();
      await clear();
    }
  }, 20_000);

  test("a burst of 600 schedules due at once: two running tickers fire each exactly once, one enqueue per batch", async () => {
    const base = new Date("2026-06-01T09:59:59.500Z").getTime();
    const t0 = Date.now();
    clock = new Date(base);
    const moving = () => new Date(base + (Date.now() - t0));
    const n = 600;
    await t.db.withTenant(ids.A.tenant, (tx) =>
      tx.insert(schedules).values(Array.from({ length: n }, (_, i) => ({ tenantId: ids.A.tenant, number: 1000 + i, agentId: ids.A.agent, ownerUser: "u1", chatKey: "c1", cron: "0 10 * * *", instruction: `burst ${i}`, nextRunAt: new Date("2026-06-01T10:00:00Z") }))),
    );
    const seen: string[] = [];
    const calls: number[] = [];
    const make = () => new ScheduleTicker({ db: t.db, log, now: moving, enqueue: async (_t, taskIds) => void (seen.push(...taskIds), calls.push(taskIds.length)) });
    const [x, y] = [make(), make()];
    x.start();
    y.start();
    try {
      await waitFor(() => seen.length >= n, 20_000);
      await Bun.sleep(300);
      expect(seen).toHaveLength(n);
      expect(new Set(seen).size).toBe(n);
      expect(calls.length).toBeLessThanOrEqual(4); // one enqueue per batch, not per task
      const counts = await t.db.withTenant(ids.A.tenant, (tx) => rowsOf(tx, sql`select (select count(*) from schedule_runs)::int as runs, (select count(distinct number) from tasks where goal like 'burst %')::int as tasks`));
      expect(counts).toEqual([{ runs: n, tasks: n }]);
    } finally {
      x.stop();
      y.stop();
      await clear();
    }
  }, 60_000);
});
