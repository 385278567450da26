/**
 * One claim of a tenant's due schedules, set-based: `select … where not paused and next_run_at <=
 * now for update skip locked limit BATCH`, then every row the claim writes — schedule_runs, the
 * runs' own inbound events (outbox keys), the tasks, the schedules' next_run_at — in a handful of
 * statements for the whole batch, in the caller's transaction. With several replicas (or two
 * tickers on one database) each due time is handled exactly once: the row lock hands a schedule
 * to one claimer, and `schedule_runs` is unique per (schedule, due time) as a second guard — a run
 * that already exists starts no task.
 *
 * Why set-based: a thousand schedules due in the same minute must be queued within a second; on
 * PGlite a statement costs far more than a row. Cron due times are memoised per pass (same
 * expression, zone and instant → same answer), as a burst usually shares a few expressions.
 *
 * Missed due times (process down, schedule paused): `run_once` starts one catch-up run (`late`,
 * for the newest due time) and records the older ones `skipped`; `skip` records them all `skipped`.
 */
import { and, eq, lte, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { newId, recordset, rowsOf } from "../db/set-sql.ts";
import { type RunStatus, type Schedule, schedules } from "../db/schema/index.ts";
import { originEvents } from "../gateway/origin.ts";
import { insertTasks, type NewTask } from "../tasks/store.ts";
import { formatRun, nextRun } from "./cron.ts";

/** A due time handled within this is on time; later it is a missed run. */
export const GRACE_MS = 120_000;
/** Schedules claimed per transaction (a burst of a thousand is one batch); a pass claims batches until none is due. */
export const BATCH = 1000;
/** Missed due times recorded one by one; beyond this one summary row. */
const MAX_RECORDED = 200;
const MISSED = "missed: not run at its time (appliance down or schedule paused)";

export interface TickResult {
  fired: number;
  late: number;
  skipped: number;
}

/** `nextRun` memoised for one pass. */
export type NextRun = (cron: string, tz: string, after: Date) => Date;
export function memoNextRun(): NextRun {
  const memo = new Map<string, Date>();
  return (cron, tz, after) => {
    const key = `${cron}\u0000${tz}\u0000${after.getTime()}`;
    let d = memo.get(key);
    if (!d) memo.set(key, (d = nextRun(cron, tz, after)));
    return d;
  };
}

type Run = { tenantId: string; id: string; scheduleId: string; dueAt: Date; status: RunStatus; reason: string | null; lateMs: number | null; taskId: string | null };

/** Claims and handles up to BATCH due schedules; returns the tasks it started and how many it claimed. */
export async function claimDue(tx: Tx, tenantId: string, now: Date, count: TickResult, next: NextRun = memoNextRun()): Promise<{ started: string[]; claimed: number }> {
  const due = await tx
    .select()
    .from(schedules)
    .where(and(eq(schedules.paused, false), lte(schedules.nextRunAt, now)))
    .orderBy(schedules.nextRunAt)
    .limit(BATCH)
    .for("update", { skipLocked: true });
  if (!due.length) return { started: [], claimed: 0 };
  const runs: Run[] = [];
  const tasks = new Map<string, { s: Schedule; row: NewTask & { id: string } }>();
  const moves: { id: string; next: string; last: string | null }[] = [];
  for (const s of due) {
    const dues: Date[] = [];
    let d = s.nextRunAt;
    while (d <= now && dues.length < MAX_RECORDED) {
      dues.push(d);
      d = next(s.cron, s.timeZone, d);
    }
    const unlisted = d <= now;
    const latest = dues[dues.length - 1]!;
    const lateMs = now.getTime() - latest.getTime();
    const onTime = dues.length === 1 && lateMs <= GRACE_MS;
    const fire = onTime || s.missedPolicy === "run_once";
    const rows: Run[] = dues.map((dueAt) => ({ tenantId, id: newId(), scheduleId: s.id, dueAt, status: "skipped", reason: `${MISSED}; policy ${s.missedPolicy}`, lateMs: null, taskId: null }));
    if (fire) {
      const run = rows[rows.length - 1]!;
      Object.assign(run, { status: onTime ? "fired" : "late", reason: onTime ? null : `catch-up run for ${dues.length} missed due time(s)`, lateMs: onTime ? null : lateMs, taskId: newId() });
      tasks.set(run.id, { s, row: { id: run.taskId!, ...taskRow(s, tenantId, run.id, latest) } });
    }
    if (unlisted) rows.push({ tenantId, id: newId(), scheduleId: s.id, dueAt: d, status: "skipped", reason: `${MISSED}; further due times up to ${now.toISOString()} not listed`, lateMs: null, taskId: null });
    runs.push(...rows);
    // The first due time after `now`: `d` already is, unless the listing stopped short.
    moves.push({ id: s.id, next: (unlisted ? next(s.cron, s.timeZone, now) : d).toISOString(), last: fire ? latest.toISOString() : null });
  }
  // A run that already exists (its due time handled) starts nothing.
  const json = runs.map((r) => ({ id: r.id, schedule_id: r.scheduleId, due_at: r.dueAt.toISOString(), status: r.status, reason: r.reason, late_ms: r.lateMs, task_id: r.taskId }));
  const written = await rowsOf<{ id: string; status: RunStatus }>(
    tx,
    sql`insert into schedule_runs (tenant_id, id, schedule_id, due_at, status, reason, late_ms, task_id)
      select ${tenantId}::uuid, v.id, v.schedule_id, v.due_at, v.status, v.reason, v.late_ms, v.task_id
      from ${recordset(json, "v", "id uuid, schedule_id uuid, due_at timestamptz, status text, reason text, late_ms int, task_id uuid")}
      on conflict do nothing returning id, status`,
  );
  const starting = written.map((r) => tasks.get(r.id)).filter((t) => t !== undefined);
  for (const r of written) count[r.status]++;
  // The result's outbox key: an event of the run's own (outbox rows must reference one).
  await originEvents(tx, tenantId, starting.filter((t) => t.s.channelId).map((t) => ({ id: t.row.eventId!, channelId: t.s.channelId!, origin: "schedule" as const, ref: t.s.id })));
  const started = await insertTasks(tx, tenantId, starting.map((t) => t.row));
  await rowsOf(
    tx,
    sql`update schedules s set next_run_at = v.next, last_run_at = coalesce(v.last, s.last_run_at)
      from ${recordset(moves, "v", "id uuid, next timestamptz, last timestamptz")}
      where s.tenant_id = ${tenantId}::uuid and s.id = v.id`,
  );
  return { started, claimed: due.length };
}

/** The tenant's earliest due time of an unpaused schedule (null: none). */
export async function earliestDue(tx: Tx, tenantId: string): Promise<Date | null> {
  const [row] = await rowsOf<{ at: string | Date | null }>(tx, sql`select min(next_run_at) as at from schedules where tenant_id = ${tenantId}::uuid and not paused`);
  return row?.at ? new Date(row.at) : null;
}

function taskRow(s: Schedule, tenantId: string, runId: string, dueAt: Date): NewTask {
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
