/**
 * The ticker: every TICK_MS it claims the due schedules of each tenant — `select … where not
 * paused and next_run_at <= now for update skip locked`, then next_run_at advanced, in one
 * transaction — so with several replicas (or two tickers on one database) each due time is
 * handled exactly once; `schedule_runs` is unique per (schedule, due time) as a second guard.
 * A fired run starts a background task (tasks/store insertTask in the same transaction, then the
 * `task` queue on the job engine) whose result goes to the schedule's chat and thread; the run's id
 * is the task's outbox key.
 *
 * Missed due times (process down, schedule paused): `run_once` starts one catch-up run (`late`,
 * for the newest due time) and records the older ones `skipped`; `skip` records them all
 * `skipped`. Nothing is dropped without a row. `now` is injectable for tests.
 */
import { and, eq, lte } from "drizzle-orm";
import type { Logger } from "pino";
import { tenantIds } from "../approvals/store.ts";
import type { Database, Tx } from "../db/database.ts";
import { type RunStatus, type Schedule, scheduleRuns, schedules } from "../db/schema/index.ts";
import { originEvent } from "../gateway/origin.ts";
import { insertTask } from "../tasks/store.ts";
import { formatRun, nextRun } from "./cron.ts";

export const TICK_MS = 5_000;
/** A due time handled within this is on time; later it is a missed run. */
export const GRACE_MS = 120_000;
const BATCH = 50;
/** Missed due times recorded one by one; beyond this one summary row. */
const MAX_RECORDED = 200;
const MISSED = "missed: not run at its time (appliance down or schedule paused)";

export interface TickerDeps {
  db: Database;
  enqueue(tenantId: string, taskId: string): Promise<void>;
  log: Logger;
  now?: () => Date;
}

export interface TickResult {
  fired: number;
  late: number;
  skipped: number;
}

export class ScheduleTicker {
  private timer: ReturnType<typeof setInterval> | null = null;
  private busy = false;
  constructor(private readonly deps: TickerDeps) {}

  start(intervalMs = TICK_MS): void {
    this.timer = setInterval(() => void this.tick().catch((e) => this.deps.log.warn({ err: e }, "schedule tick failed")), intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass over every tenant; returns what it recorded. */
  async tick(): Promise<TickResult> {
    const total: TickResult = { fired: 0, late: 0, skipped: 0 };
    if (this.busy) return total;
    this.busy = true;
    try {
      const now = (this.deps.now ?? (() => new Date()))();
      for (const { id: tenantId } of await tenantIds(this.deps.db)) {
        const started = await this.deps.db.withTenant(tenantId, (tx) => claimDue(tx, tenantId, now, total));
        for (const taskId of started) await this.deps.enqueue(tenantId, taskId);
      }
    } finally {
      this.busy = false;
    }
    if (total.fired + total.late + total.skipped) this.deps.log.info(total, "schedules ticked");
    return total;
  }
}

/** Claims and handles a tenant's due schedules; returns the ids of the tasks it started. */
export async function claimDue(tx: Tx, tenantId: string, now: Date, count: TickResult): Promise<string[]> {
  const due = await tx
    .select()
    .from(schedules)
    .where(and(eq(schedules.paused, false), lte(schedules.nextRunAt, now)))
    .orderBy(schedules.nextRunAt)
    .limit(BATCH)
    .for("update", { skipLocked: true });
  const started: string[] = [];
  for (const s of due) {
    const dues: Date[] = [];
    let d = s.nextRunAt;
    while (d <= now && dues.length < MAX_RECORDED) {
      dues.push(d);
      d = nextRun(s.cron, s.timeZone, d);
    }
    const unlisted = d <= now;
    const latest = dues[dues.length - 1]!;
    const lateMs = now.getTime() - latest.getTime();
    const onTime = dues.length === 1 && lateMs <= GRACE_MS;
    const fire = onTime || s.missedPolicy === "run_once";
    const rows: { dueAt: Date; status: RunStatus; reason: string | null; lateMs: number | null }[] = dues.map((dueAt) => ({ dueAt, status: "skipped", reason: `${MISSED}; policy ${s.missedPolicy}`, lateMs: null }));
    if (fire) rows[rows.length - 1] = { dueAt: latest, status: onTime ? "fired" : "late", reason: onTime ? null : `catch-up run for ${dues.length} missed due time(s)`, lateMs: onTime ? null : lateMs };
    if (unlisted) rows.push({ dueAt: d, status: "skipped", reason: `${MISSED}; further due times up to ${now.toISOString()} not listed`, lateMs: null });
    for (const r of rows) {
      const id = crypto.randomUUID();
      const [run] = await tx.insert(scheduleRuns).values({ tenantId, id, scheduleId: s.id, ...r }).onConflictDoNothing().returning({ id: scheduleRuns.id });
      if (!run) continue; // already handled (the unique due time)
      if (r.status === "skipped") {
        count.skipped++;
        continue;
      }
      count[r.status]++;
      // The result's outbox key: an event of the run's own (outbox rows must reference one).
      if (s.channelId) await originEvent(tx, tenantId, { id, channelId: s.channelId, origin: "schedule", ref: s.id });
      const task = await insertTask(tx, taskRow(s, tenantId, id, r.dueAt));
      await tx.update(scheduleRuns).set({ taskId: task.id }).where(eq(scheduleRuns.id, id));
      started.push(task.id);
    }
    await tx
      .update(schedules)
      .set({ nextRunAt: nextRun(s.cron, s.timeZone, now), ...(fire ? { lastRunAt: latest } : {}) })
      .where(eq(schedules.id, s.id));
  }
  return started;
}

function taskRow(s: Schedule, tenantId: string, runId: string, dueAt: Date) {
  return {
    tenantId,
    agentId: s.agentId,
    conversationId: s.conversationId,
    channelId: s.channelId,
    chatKey: s.chatKey,
    replyTo: s.replyTo,
    eventId: runId,
    requestedBy: s.ownerUser,
    goal: s.instruction,
    context: `Scheduled run of schedule #${s.number} (cron "${s.cron}", ${s.timeZone}) due ${formatRun(dueAt, s.timeZone)}.`,
  };
}
