/**
 * Tenant-owned: one admitted attachment of an inbound event (src/media/). The bytes are in the blob
 * store under the tenant id and `sha256`; `name` is the sender's file name, for display only.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const attachments = pgTable(
  "attachments",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    sha256: text("sha256").notNull(),
    /** The sniffed type (media/admit.ts), never the one the sender claimed. */
    mime: text("mime").notNull(),
    /** image | document | audio */
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    channelId: uuid("channel_id"),
    inboundEventId: uuid("inbound_event_id"),
    userKey: text("user_key").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("attachments_event").on(t.tenantId, t.inboundEventId),
    index("attachments_hash").on(t.tenantId, t.sha256),
    index("attachments_age").on(t.tenantId, t.createdAt),
    check("attachments_sha256", sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check("attachments_name_len", sql`char_length(${t.name}) <= 255`),
  ],
);

export type AttachmentRow = typeof attachments.$inferSelect;
