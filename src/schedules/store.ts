/**
 * The schedules table's reads and writes for the tool, the chat commands and the console. A user
 * sees and changes only their own schedules with the agent they talk to (owner_user + agent_id);
 * numbers (#N) are handed out one at a time per tenant.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/set-sql.ts";
import { type Schedule, type ScheduleRun, scheduleRuns, schedules, type VersionSource } from "../db/schema/index.ts";
import { scheduleKind } from "../versions/schedule.ts";
import { recordVersion } from "../versions/store.ts";
import { nextRun, validZone } from "./cron.ts";

export type NewSchedule = Omit<typeof schedules.$inferInsert, "number" | "id" | "nextRunAt" | "lastRunAt" | "createdAt">;

/** Inserts a schedule (validated) with its first due time after `now`. */
export async function insertSchedule(tx: Tx, row: NewSchedule, now: Date): Promise<Schedule> {
  const tz = validZone(row.timeZone ?? "UTC");
  const first = nextRun(row.cron, tz, now);
  await rowsOf(tx, sql`select pg_advisory_xact_lock(hashtext('schedules:' || ${row.tenantId}))`);
  const [top] = await rowsOf<{ next: number }>(tx, sql`select coalesce(max(number), 0) + 1 as next from schedules where tenant_id = ${row.tenantId}::uuid`);
  const [s] = await tx
    .insert(schedules)
    .values({ ...row, timeZone: tz, number: Number(top!.next), nextRunAt: first })
    .returning();
  // Made by config as code, or in a chat by its owner (the schedule tool).
  await recordVersion(tx, scheduleKind, s!.id, row.source === "config" ? "config" : row.ownerUser || "chat", row.source === "config" ? "config" : "chat");
  return s!;
}

export interface Owner {
  agentId: string;
  ownerUser: string;
}

export function schedulesOf(tx: Tx, o: Owner): Promise<Schedule[]> {
  return tx
    .select()
    .from(schedules)
    .where(and(eq(schedules.agentId, o.agentId), eq(schedules.ownerUser, o.ownerUser)))
    .orderBy(schedules.number);
}

const mine = (o: Owner | null, n: number) =>
  o ? and(eq(schedules.number, n), eq(schedules.agentId, o.agentId), eq(schedules.ownerUser, o.ownerUser)) : eq(schedules.number, n);

/** Who pauses or resumes (src/versions/): the console's user, or the owner in a chat. */
export interface ChangedBy {
  author: string;
  source: VersionSource;
}

/** Pauses or resumes #N (the owner's, or any when `o` is null: console), as a new version. Missed due times are handled by the ticker on resume. */
export async function setPaused(tx: Tx, o: Owner | null, n: number, paused: boolean, by: ChangedBy = o ? { author: o.ownerUser, source: "chat" } : { author: "console", source: "console" }): Promise<Schedule | null> {
  const [s] = await tx.update(schedules).set({ paused }).where(mine(o, n)).returning();
  if (s) await recordVersion(tx, scheduleKind, s.id, by.author, by.source);
  return s ?? null;
}

export async function deleteSchedule(tx: Tx, o: Owner | null, n: number): Promise<Schedule | null> {
  const [s] = await tx.delete(schedules).where(mine(o, n)).returning();
  return s ?? null;
}

/** Newest first (console). */
export function listSchedules(tx: Tx, limit = 200): Promise<Schedule[]> {
  return tx.select().from(schedules).orderBy(schedules.number).limit(limit);
}

export function recentRuns(tx: Tx, scheduleId?: string, limit = 50): Promise<ScheduleRun[]> {
  const q = tx.select().from(scheduleRuns);
  return (scheduleId ? q.where(eq(scheduleRuns.scheduleId, scheduleId)) : q).orderBy(desc(scheduleRuns.dueAt)).limit(limit);
}
