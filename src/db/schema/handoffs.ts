/**
 * Tenant-owned: a person put into a conversation (src/handoff/). A handoff is `waiting` (nobody has
 * taken it), `taken` (exactly one human owns it: `owner`), then `resolved` or `returned` (the AI
 * resumes). The partial unique index allows at most one open handoff per conversation, so a second
 * escalation of the same conversation finds the open one instead of starting another; *Take it* is
 * one conditional UPDATE on `status = 'waiting'`, so of two people pressing at once exactly one wins.
 */
import { sql } from "drizzle-orm";
import { channels } from "./channels.ts";
import { check, foreignKey, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const handoffs = pgTable(
  "handoffs",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    agentId: uuid("agent_id").notNull(),
    conversationId: uuid("conversation_id").notNull(),
    reason: text("reason").notNull(),
    rule: text("rule").notNull(),
    source: text("source").notNull(),
    status: text("status").notNull().default("waiting"),
    owner: text("owner"),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    takenAt: timestamp("taken_at", { withTimezone: true }),
    firstReplyAt: timestamp("first_reply_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    /** Where the tenant's people were notified (the escalation destination), so a thread reply finds it. */
    noticeChannelId: uuid("notice_channel_id"),
    noticeChat: text("notice_chat"),
    /** The notification's message id on that chat (Slack ts, Telegram message_id). */
    noticeRef: text("notice_ref"),
    /** Set when nobody took it in time and the people were told again (handoff timeouts). */
    renotifiedAt: timestamp("renotified_at", { withTimezone: true }),
    /** The model's summary, written once by the first notification and carried by every later one (≤ 600). */
    summary: text("summary"),
    /** The escalation chain step (handoff_destinations.position) whose notification is the latest. */
    noticeLevel: smallint("notice_level").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("handoffs_open").on(t.tenantId, t.conversationId).where(sql`status in ('waiting', 'taken')`),
    index("handoffs_recent").on(t.tenantId, t.createdAt),
    index("handoffs_status").on(t.tenantId, t.status, t.createdAt),
    index("handoffs_notice").on(t.tenantId, t.noticeChannelId, t.noticeRef),
    check("handoffs_summary_len", sql`${t.summary} is null or char_length(${t.summary}) <= 600`),
  ],
);

export type Handoff = typeof handoffs.$inferSelect;

/** Tenant-owned: internal notes of the people on a handoff (the console inbox); never sent to the user. */
export const handoffNotes = pgTable(
  "handoff_notes",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    handoffId: uuid("handoff_id").notNull(),
    author: text("author").notNull(),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("handoff_notes_handoff").on(t.tenantId, t.handoffId, t.createdAt),
    foreignKey({ name: "handoff_notes_handoff_fk", columns: [t.tenantId, t.handoffId], foreignColumns: [handoffs.tenantId, handoffs.id] }).onDelete("cascade"),
  ],
);

export type HandoffNote = typeof handoffNotes.$inferSelect;

/**
 * Tenant-owned, a chain of at most three steps per tenant (position 0 first): where its people are
 * told of a new handoff — one chat (a Slack channel id, a Telegram group chat id) on one of its
 * channels — and after how many minutes (business time) a handoff nobody took goes to the next step,
 * or, at the last one, is announced again (0 = never).
 */
export const handoffDestinations = pgTable(
  "handoff_destinations",
  {
    tenantId: uuid("tenant_id").notNull(),
    position: smallint("position").notNull().default(0),
    channelId: uuid("channel_id").notNull(),
    chat: text("chat").notNull(),
    timeoutMinutes: integer("timeout_minutes").notNull().default(0),
    updatedBy: text("updated_by"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.position] }),
    check("handoff_destinations_position", sql`${t.position} BETWEEN 0 AND 2`),
    foreignKey({ name: "handoff_destinations_channel_fk", columns: [t.tenantId, t.channelId], foreignColumns: [channels.tenantId, channels.id] }).onDelete("cascade"),
  ],
);

export type HandoffDestination = typeof handoffDestinations.$inferSelect;

/** Tenant-owned: saved answers its people insert into the inbox's reply box (src/handoff/canned.ts); titles unique. */
export const cannedReplies = pgTable(
  "canned_replies",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    title: text("title").notNull(),
    body: text("body").notNull(),
    updatedBy: text("updated_by"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex("canned_replies_title").on(t.tenantId, t.title)],
);

export type CannedReply = typeof cannedReplies.$inferSelect;

/**
 * Tenant-owned, one row per tenant: its business hours (src/handoff/hours.ts). Handoff timeouts count
 * open time only; a user escalating outside them is told when a person will answer, in `language`.
 * `week`: mon..sun → "HH:MM-HH:MM" ranges, comma-separated ("" = closed); holidays: ISO dates.
 */
export const handoffHours = pgTable(
  "handoff_hours",
  {
    tenantId: uuid("tenant_id").notNull().primaryKey(),
    timezone: text("timezone").notNull(),
    week: jsonb("week").$type<Record<string, string>>().notNull(),
    holidays: text("holidays").array().notNull().default(sql`'{}'`),
    language: text("language").notNull().default("en"),
    /** Within business hours the user is told "usually within N minutes" (0053); null: not told. */
    expectedWaitMinutes: smallint("expected_wait_minutes"),
    updatedBy: text("updated_by"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("handoff_hours_timezone_len", sql`char_length(${t.timezone}) BETWEEN 1 AND 64`),
    check("handoff_hours_week_size", sql`pg_column_size(${t.week}) <= 4000`),
    check("handoff_hours_holidays_count", sql`cardinality(${t.holidays}) <= 100`),
    check("handoff_hours_language", sql`char_length(${t.language}) BETWEEN 2 AND 16`),
    check("handoff_hours_expected_wait", sql`${t.expectedWaitMinutes} is null or ${t.expectedWaitMinutes} BETWEEN 1 AND 1440`),
  ],
);

export type HandoffHoursRow = typeof handoffHours.$inferSelect;
