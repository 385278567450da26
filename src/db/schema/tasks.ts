/**
 * Tenant-owned: background tasks an agent delegated to an executor (src/tasks/). `number` is the
 * per-tenant sequence shown to users as #N. queued → running ⇄ waiting_approval → done | failed |
 * cancelled; only the executor that moved a task to running may finish it, and a finished task's
 * result message is written to the outbox in the transaction that finishes it (`reported_at` set
 * once it was handed to the channel).
 */
import { sql } from "drizzle-orm";
import { index, integer, numeric, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

export const TASK_STATUSES = ["queued", "running", "waiting_approval", "done", "failed", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const tasks = pgTable(
  "tasks",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    number: integer("number").notNull(),
    agentId: uuid("agent_id").notNull(),
    /** Where it started and where its progress and result go. */
    conversationId: uuid("conversation_id"),
    channelId: uuid("channel_id"),
    chatKey: text("chat_key"),
    replyTo: text("reply_to"),
    /** The inbound event whose turn started it: the outbox key its messages are written under. */
    eventId: uuid("event_id"),
    requestedBy: text("requested_by").notNull().default(""),
    goal: text("goal").notNull(),
    context: text("context").notNull().default(""),
    expectedOutput: text("expected_output").notNull().default(""),
    status: text("status").$type<TaskStatus>().notNull().default("queued"),
    steps: integer("steps").notNull().default(0),
    spendUsd: numeric("spend_usd", { precision: 12, scale: 6 }).notNull().default("0"),
    result: text("result"),
    error: text("error"),
    /** The pg-boss job working it (cancel, console). */
    jobId: text("job_id"),
    /** The process running it (its instance id): a restarted process ends its own running tasks at once. */
    worker: text("worker"),
    /** Renewed by the running executor; a running task without a recent beat was interrupted. */
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    reportedAt: timestamp("reported_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique("tasks_tenant_number").on(t.tenantId, t.number),
    index("tasks_tenant_status").on(t.tenantId, t.status, t.createdAt),
    index("tasks_tenant_agent").on(t.tenantId, t.agentId, t.status),
  ],
);

export type Task = typeof tasks.$inferSelect;
