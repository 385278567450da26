/**
 * The tasks table's transitions, each one statement or one transaction so that two executors (two
 * replicas, or a redelivered job) never both run a task: only `queued → running` claims it, only
 * the claimer's `running → done|failed` finishes it, and `cancelled` can be set from anywhere.
 */
import { and, desc, eq, gte, inArray, isNull, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { recordset, rowsOf } from "../db/set-sql.ts";
import { auditLog, type Task, type TaskStatus, tasks } from "../db/schema/index.ts";

export const ACTIVE: TaskStatus[] = ["queued", "running", "waiting_approval"];
const RUNNING: TaskStatus[] = ["running", "waiting_approval"];

/** Outbox seqs of a task's messages under its starting event: clear of the turn's own (0…, 100…). */
export function taskSeq(number: number, k: number): number {
  return 1_000_000 + (number % 10_000) * 100 + k;
}
export const RESULT_SEQ = 99;

export type NewTask = Omit<typeof tasks.$inferInsert, "number" | "id" | "status">;

/** Inserts a task with the tenant's next number (#N); numbers are handed out one at a time per tenant. */
export async function insertTask(tx: Tx, row: NewTask): Promise<Task> {
  await lockNumbers(tx, row.tenantId);
  const [task] = await tx.insert(tasks).values({ ...row, number: await nextNumber(tx, row.tenantId) }).returning();
  return task!;
}

/**
 * Inserts many tasks of one tenant (a burst of scheduled runs) with the tenant's next numbers, as
 * one statement over one JSON parameter (thousands of bind parameters cost PGlite seconds). Returns their ids.
 */
export async function insertTasks(tx: Tx, tenantId: string, rows: (NewTask & { id: string })[]): Promise<string[]> {
  if (!rows.length) return [];
  await lockNumbers(tx, tenantId);
  const first = await nextNumber(tx, tenantId);
  const json = rows.map((r, n) => ({
    n, id: r.id, agent_id: r.agentId, conversation_id: r.conversationId ?? null, channel_id: r.channelId ?? null, chat_key: r.chatKey ?? null, reply_to: r.replyTo ?? null,
    event_id: r.eventId ?? null, requested_by: r.requestedBy ?? "", goal: r.goal, context: r.context ?? "", expected_output: r.expectedOutput ?? "",
  }));
  const ids = await rowsOf<{ id: string }>(
    tx,
    sql`insert into tasks (tenant_id, id, number, agent_id, conversation_id, channel_id, chat_key, reply_to, event_id, requested_by, goal, context, expected_output)
      select ${tenantId}::uuid, v.id, ${first}::int + v.n, v.agent_id, v.conversation_id, v.channel_id, v.chat_key, v.reply_to, v.event_id, v.requested_by, v.goal, v.context, v.expected_output
      from ${recordset(json, "v", "n int, id uuid, agent_id uuid, conversation_id uuid, channel_id uuid, chat_key text, reply_to text, event_id uuid, requested_by text, goal text, context text, expected_output text")}
      returning id`,
  );
  return ids.map((r) => r.id);
}

const lockNumbers = (tx: Tx, tenantId: string) => rowsOf(tx, sql`select pg_advisory_xact_lock(hashtext('tasks:' || ${tenantId}))`);
async function nextNumber(tx: Tx, tenantId: string): Promise<number> {
  const [top] = await rowsOf<{ next: number }>(tx, sql`select coalesce(max(number), 0) + 1 as next from tasks where tenant_id = ${tenantId}::uuid`);
  return Number(top!.next);
}

/**
 * Moves a queued task to running if the tenant and the agent are under their limits. Returns the
 * task, `"busy"` (leave it queued, try later) or null (not queued any more: cancelled, or done by
 * another worker).
 */
export async function claimTask(tx: Tx, tenantId: string, id: string, limits: { perTenant: number; perAgent: number }, worker: string): Promise<Task | "busy" | null> {
  await rowsOf(tx, sql`select pg_advisory_xact_lock(hashtext('tasks:' || ${tenantId}))`);
  const [task] = await tx.select().from(tasks).where(eq(tasks.id, id));
  if (!task || task.status !== "queued") return null;
  const [counts] = await rowsOf<{ tenant: number; agent: number }>(
    tx,
    sql`select count(*)::int as tenant, count(*) filter (where agent_id = ${task.agentId}::uuid)::int as agent
      from tasks where tenant_id = ${tenantId}::uuid and status in ('running', 'waiting_approval')`,
  );
  if (Number(counts!.tenant) >= limits.perTenant || Number(counts!.agent) >= limits.perAgent) return "busy";
  const [claimed] = await tx
    .update(tasks)
    .set({ status: "running", startedAt: sql`now()`, heartbeatAt: sql`now()`, worker })
    .where(and(eq(tasks.id, id), eq(tasks.status, "queued")))
    .returning();
  return claimed ?? null;
}

/** Ends a running task; false when it is no longer running (cancelled meanwhile, or interrupted). */
export async function finishTask(tx: Tx, id: string, end: { status: "done" | "failed"; result?: string; error?: string; steps: number; spendUsd: number }): Promise<boolean> {
  const rows = await tx
    .update(tasks)
    .set({ status: end.status, result: end.result ?? null, error: end.error ?? null, steps: end.steps, spendUsd: end.spendUsd.toFixed(6), finishedAt: sql`now()`, heartbeatAt: null })
    .where(and(eq(tasks.id, id), inArray(tasks.status, RUNNING)))
    .returning({ id: tasks.id });
  return rows.length > 0;
}

/**
 * running ⇄ waiting_approval while the task waits for a human's decision; false when the task is not
 * in the state it leaves (cancelled meanwhile).
 */
export async function markWaiting(tx: Tx, id: string, waiting: boolean): Promise<boolean> {
  const [from, to]: TaskStatus[] = waiting ? ["running", "waiting_approval"] : ["waiting_approval", "running"];
  const rows = await tx.update(tasks).set({ status: to }).where(and(eq(tasks.id, id), eq(tasks.status, from!))).returning({ id: tasks.id });
  return rows.length > 0;
}

/** The executor's beat: progress so far; returns the status (a cancel shows up here). */
export async function beat(tx: Tx, id: string, progress: { steps: number; spendUsd: number }): Promise<TaskStatus | null> {
  const [row] = await tx
    .update(tasks)
    .set({ heartbeatAt: sql`case when status in ('running', 'waiting_approval') then now() end`, steps: progress.steps, spendUsd: progress.spendUsd.toFixed(6) })
    .where(eq(tasks.id, id))
    .returning({ status: tasks.status });
  return row?.status ?? null;
}

export async function taskStatus(tx: Tx, id: string): Promise<TaskStatus | null> {
  const [row] = await tx.select({ status: tasks.status }).from(tasks).where(eq(tasks.id, id));
  return row?.status ?? null;
}

/** Cancels active tasks (by number, or all of a requester's); returns the numbers it cancelled. */
export async function cancelTasks(tx: Tx, which: { numbers?: number[]; requestedBy?: string; agentId?: string; ids?: string[] }): Promise<{ id: string; number: number; status: TaskStatus }[]> {
  const conds = [inArray(tasks.status, ACTIVE)];
  if (which.numbers) conds.push(inArray(tasks.number, which.numbers));
  if (which.ids) conds.push(inArray(tasks.id, which.ids));
  if (which.requestedBy !== undefined) conds.push(eq(tasks.requestedBy, which.requestedBy));
  if (which.agentId) conds.push(eq(tasks.agentId, which.agentId));
  const before = await tx.select({ id: tasks.id, number: tasks.number, status: tasks.status }).from(tasks).where(and(...conds));
  if (!before.length) return [];
  await tx
    .update(tasks)
    // The canceller says so to the user: nothing more is reported.
    .set({ status: "cancelled", finishedAt: sql`now()`, heartbeatAt: null, error: "cancelled", reportedAt: sql`now()` })
    .where(and(inArray(tasks.id, before.map((t) => t.id)), inArray(tasks.status, ACTIVE)));
  return before;
}

/** A requester's active tasks with one agent, oldest first (for /tasks). */
export function activeTasksOf(tx: Tx, agentId: string, requestedBy: string): Promise<Task[]> {
  return tx
    .select()
    .from(tasks)
    .where(and(eq(tasks.agentId, agentId), eq(tasks.requestedBy, requestedBy), inArray(tasks.status, ACTIVE)))
    .orderBy(tasks.number);
}

/** A requester's tasks with one agent created since `since` whose result has not gone out yet (`konstruct chat -m`). */
export function unreportedTasksOf(tx: Tx, agentId: string, requestedBy: string, since: Date): Promise<{ id: string }[]> {
  return tx
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.agentId, agentId), eq(tasks.requestedBy, requestedBy), gte(tasks.createdAt, since), isNull(tasks.reportedAt)));
}

/** Newest first, optionally one status (console). */
export function listTasks(tx: Tx, filter: { status?: TaskStatus; limit?: number } = {}): Promise<Task[]> {
  const q = tx.select().from(tasks);
  return (filter.status ? q.where(eq(tasks.status, filter.status)) : q).orderBy(desc(tasks.number)).limit(filter.limit ?? 100);
}

/** One task's transcript: the model calls, tool calls and messages its ledger recorded. */
export function taskTranscript(tx: Tx, task: Pick<Task, "id" | "createdAt">): Promise<(typeof auditLog.$inferSelect)[]> {
  return tx
    .select()
    .from(auditLog)
    .where(and(gte(auditLog.at, task.createdAt), sql`${auditLog.data}->>'task' = ${task.id}`))
    .orderBy(auditLog.at)
    .limit(500);
}
