/**
 * Tenant-owned: a conversation is one chat thread (Slack thread, Telegram chat) with one agent over
 * one channel connection. `/new` closes the open one; the partial unique index allows exactly one
 * open conversation per (channel, chat).
 */
import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const conversations = pgTable(
  "conversations",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    agentId: uuid("agent_id").notNull(),
    channelId: uuid("channel_id").notNull(),
    /** Channel-specific chat identity, e.g. `C123:1700000000.000100` (Slack) or `-100123` (Telegram). */
    chatKey: text("chat_key").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    /** Moved by a trigger whenever its turns change other than by a new turn (migration 0058). */
    historyEpoch: bigint("history_epoch", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("conversations_open").on(t.tenantId, t.channelId, t.chatKey).where(sql`closed_at is null`),
    index("conversations_recent").on(t.tenantId, t.lastMessageAt),
  ],
);

export const messages = pgTable(
  "messages",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    conversationId: uuid("conversation_id").notNull(),
    role: text("role").notNull(),
    content: text("content").notNull(),
    /** Estimated tokens, for the sliding window. */
    tokens: integer("tokens").notNull().default(0),
    inboundEventId: uuid("inbound_event_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("messages_conversation").on(t.tenantId, t.conversationId, t.createdAt),
  ],
);

export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;
