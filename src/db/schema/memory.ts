/**
 * Tenant-owned: long-term memory. A memory is a fact or a conversation summary of one AI employee,
 * about one end user (`user_key` = the channel's sender id) or everyone it talks to (`user_key` = '').
 * `embedding` is declared in SQL only, like kb_chunks (see knowledge.ts).
 *
 * conversation_memory is the per-conversation bookkeeping: the rolling summary of turns that left
 * the window (compaction) and how far facts were extracted.
 */
import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const memories = pgTable(
  "memories",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    agentId: uuid("agent_id").notNull(),
    userKey: text("user_key").notNull().default(""),
    /** fact | summary */
    kind: text("kind").notNull(),
    content: text("content").notNull(),
    contentHash: text("content_hash").notNull(),
    conversationId: uuid("conversation_id"),
    model: text("model"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("memories_content").on(t.tenantId, t.agentId, t.userKey, t.contentHash),
    index("memories_owner").on(t.tenantId, t.agentId, t.userKey, t.createdAt),
    index("memories_model").on(t.tenantId, t.model),
  ],
);

export const conversationMemory = pgTable(
  "conversation_memory",
  {
    tenantId: uuid("tenant_id").notNull(),
    conversationId: uuid("conversation_id").notNull(),
    summary: text("summary").notNull().default(""),
    /** created_at of the newest message the summary covers. */
    summarizedUntil: timestamp("summarized_until", { withTimezone: true }),
    /** created_at of the newest message facts were extracted from. */
    extractedUntil: timestamp("extracted_until", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.conversationId] })],
);

export type Memory = typeof memories.$inferSelect;
