/**
 * Tenant-owned: recurring work (src/schedules/). A schedule starts a background task (src/tasks/)
 * at every due time of its cron expression in its IANA time zone; results go to the owner's chat
 * and thread. `next_run_at` is the next due time not yet handled: the ticker advances it in the
 * transaction that claims it (FOR UPDATE SKIP LOCKED), so a due time is handled once across
 * replicas. Every due time is recorded in `schedule_runs` — fired, late (a catch-up) or skipped
 * with the reason — unique per (schedule, due time), so nothing is run twice or silently lost.
 */
import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

export const MISSED_POLICIES = ["run_once", "skip"] as const;
export type MissedPolicy = (typeof MISSED_POLICIES)[number];
export const RUN_STATUSES = ["fired", "late", "skipped"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const schedules = pgTable(
  "schedules",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    /** Per-tenant sequence shown to users as #N. */
    number: integer("number").notNull(),
    agentId: uuid("agent_id").notNull(),
    /** The owner (channel user id) and where the runs' results go. */
    ownerUser: text("owner_user").notNull().default(""),
    conversationId: uuid("conversation_id"),
    channelId: uuid("channel_id"),
    chatKey: text("chat_key"),
    replyTo: text("reply_to"),
    cron: text("cron").notNull(),
    timeZone: text("time_zone").notNull().default("UTC"),
    instruction: text("instruction").notNull(),
    missedPolicy: text("missed_policy").$type<MissedPolicy>().notNull().default("run_once"),
    paused: boolean("paused").notNull().default(false),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull(),
    lastRunAt: timestamp("last_run_at", { withTimezone: true }),
    /** Config as code: the name in `tenants[].schedules[]` (source 'config'); null for chat-made ones. */
    name: text("name"),
    source: text("source").notNull().default("chat"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique("schedules_tenant_number").on(t.tenantId, t.number),
    unique("schedules_tenant_name").on(t.tenantId, t.name),
    index("schedules_tenant_due").on(t.tenantId, t.paused, t.nextRunAt),
  ],
);

export const scheduleRuns = pgTable(
  "schedule_runs",
  {
    tenantId: uuid("tenant_id").notNull(),
    /** Also the outbox key (inbound_event_id) of the started task's messages. */
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    scheduleId: uuid("schedule_id").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    status: text("status").$type<RunStatus>().notNull(),
    reason: text("reason"),
    /** How late a `late` run started (ms after its due time). */
    lateMs: integer("late_ms"),
    taskId: uuid("task_id"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), unique("schedule_runs_due").on(t.tenantId, t.scheduleId, t.dueAt)],
);

export type Schedule = typeof schedules.$inferSelect;
export type ScheduleRun = typeof scheduleRuns.$inferSelect;
