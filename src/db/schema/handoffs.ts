/**
 * Tenant-owned: a person put into a conversation (src/handoff/). A handoff is `waiting` (nobody has
 * taken it), `taken` (exactly one human owns it: `owner`), then `resolved` or `returned` (the AI
 * resumes). The partial unique index allows at most one open handoff per conversation, so a second
 * escalation of the same conversation finds the open one instead of starting another; *Take it* is
 * one conditional UPDATE on `status = 'waiting'`, so of two people pressing at once exactly one wins.
 */
import { sql } from "drizzle-orm";
import { channels } from "./channels.ts";
import { foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

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
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("handoffs_open").on(t.tenantId, t.conversationId).where(sql`status in ('waiting', 'taken')`),
    index("handoffs_recent").on(t.tenantId, t.createdAt),
    index("handoffs_status").on(t.tenantId, t.status, t.createdAt),
    index("handoffs_notice").on(t.tenantId, t.noticeChannelId, t.noticeRef),
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
 * Tenant-owned, one row per tenant: where its people are told of a new handoff — one chat (a Slack
 * channel id, a Telegram group chat id) on one of its channels — and after how many minutes a
 * handoff nobody took is announced again (0 = never).
 */
export const handoffDestinations = pgTable(
  "handoff_destinations",
  {
    tenantId: uuid("tenant_id").notNull().primaryKey(),
    channelId: uuid("channel_id").notNull(),
    chat: text("chat").notNull(),
    timeoutMinutes: integer("timeout_minutes").notNull().default(0),
    updatedBy: text("updated_by"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [foreignKey({ name: "handoff_destinations_channel_fk", columns: [t.tenantId, t.channelId], foreignColumns: [channels.tenantId, channels.id] }).onDelete("cascade")],
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
