/**
 * Tenant-owned: a person put into a conversation (src/handoff/). A handoff is `waiting` (nobody has
 * taken it), `taken` (exactly one human owns it: `owner`), then `resolved` or `returned` (the AI
 * resumes). The partial unique index allows at most one open handoff per conversation, so a second
 * escalation of the same conversation finds the open one instead of starting another; *Take it* is
 * one conditional UPDATE on `status = 'waiting'`, so of two people pressing at once exactly one wins.
 */
import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

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
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("handoffs_open").on(t.tenantId, t.conversationId).where(sql`status in ('waiting', 'taken')`),
    index("handoffs_recent").on(t.tenantId, t.createdAt),
  ],
);

export type Handoff = typeof handoffs.$inferSelect;
