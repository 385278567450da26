/**
 * Tenant-owned: the durable inbox and outbox that make replies exactly-once.
 *  - inbound_events: persisted before the channel is acknowledged; unique on the channel's own event
 *    id, so a redelivery (Slack retry, Telegram re-poll) finds the row instead of creating a second.
 *  - outbound_messages: each reply is recorded before it is sent and keyed by (inbound event, seq),
 *    so a crash between "sent" and "marked sent" cannot produce a second, different reply; a send
 *    that finally fails stays visible with its error.
 *  - turn_progress (on inbound_events): the turn's journal — each model response that asked for
 *    tools, and the tools' results, recorded with the usage before the tools run, so a turn resumed
 *    after a crash replays them instead of calling (and paying) the model again (agent/journal.ts).
 *    Per-chat ordering across replicas: `chat_key` + `arrival` (gateway/inbox.ts).
 *  - channel_cursors: per-connection resume points (Telegram update offset).
 */
import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

export const inboundEvents = pgTable(
  "inbound_events",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    channelId: uuid("channel_id").notNull(),
    eventKey: text("event_key").notNull(),
    /** pending → processing → done | failed | ignored */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** The process working on it (stable per data dir) and until when its claim holds without renewal. */
    owner: text("owner"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    message: jsonb("message").notNull(),
    error: text("error"),
    turnProgress: jsonb("turn_progress"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    /** The chat it belongs to (null for /cancel, which jumps the queue) and its place in arrival order. */
    chatKey: text("chat_key"),
    arrival: bigint("arrival", { mode: "number" }).generatedAlwaysAsIdentity(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("inbound_events_chat_unfinished")
      .on(t.tenantId, t.channelId, t.chatKey, t.arrival)
      .where(sql`status in ('pending', 'processing') and chat_key is not null`),
    unique("inbound_events_key").on(t.tenantId, t.channelId, t.eventKey),
    index("inbound_events_unfinished").on(t.tenantId, t.status).where(sql`status in ('pending', 'processing')`),
  ],
);

export const outboundMessages = pgTable(
  "outbound_messages",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    inboundEventId: uuid("inbound_event_id").notNull(),
    seq: integer("seq").notNull(),
    channelId: uuid("channel_id").notNull(),
    chatKey: text("chat_key").notNull(),
    text: text("text").notNull(),
    /** pending → sent | failed */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    externalId: text("external_id"),
    /** Every part's id, in order, when the answer went out as several messages (null: one message). */
    externalPartIds: text("external_part_ids").array(),
    /** What the channel reported after sending (WhatsApp: sent → delivered → read, or failed: <code>). */
    deliveryStatus: text("delivery_status"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique("outbound_messages_seq").on(t.tenantId, t.inboundEventId, t.seq),
    index("outbound_messages_status").on(t.tenantId, t.status).where(sql`status <> 'sent'`),
  ],
);

export const channelCursors = pgTable(
  "channel_cursors",
  {
    tenantId: uuid("tenant_id").notNull(),
    channelId: uuid("channel_id").notNull(),
    cursor: text("cursor").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** The replica that may poll this connection (external Postgres only; gateway/poller-lease.ts). */
    leaseHolder: text("lease_holder"),
    /** Fencing token: raised at every change of holder; offsets are saved only under the holder's epoch. */
    leaseEpoch: integer("lease_epoch").notNull().default(0),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.channelId] })],
);

export type InboundEvent = typeof inboundEvents.$inferSelect;
export type OutboundMessage = typeof outboundMessages.$inferSelect;

/**
 * Platform-level: the liveness of each process that claims inbox events (gateway/inbox.ts). Another
 * replica takes over a claim only when its lease ran out and its owner is no longer alive here.
 */
export const inboxReplicas = pgTable("inbox_replicas", {
  owner: text("owner").primaryKey(),
  aliveUntil: timestamp("alive_until", { withTimezone: true }).notNull(),
});
