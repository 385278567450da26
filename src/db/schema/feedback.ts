/**
 * Tenant-owned: a person's thumbs up/down on one answer (an outbound message), with an optional
 * correction (src/feedback/). One row per rater per answer; rating again updates it.
 */
import { check, foreignKey, index, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { agents } from "./agents.ts";
import { outboundMessages } from "./events.ts";

export const feedback = pgTable(
  "feedback",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    outboundId: uuid("outbound_id").notNull(),
    conversationId: uuid("conversation_id"),
    agentId: uuid("agent_id").notNull(),
    /** Who rated: a console user id. */
    rater: text("rater").notNull(),
    /** +1 or -1. */
    rating: smallint("rating").notNull(),
    correction: text("correction"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("feedback_one_per_rater").on(t.tenantId, t.outboundId, t.rater),
    index("feedback_agent").on(t.tenantId, t.agentId, t.createdAt),
    check("feedback_rating", sql`${t.rating} IN (-1, 1)`),
    check("feedback_correction_len", sql`char_length(${t.correction}) <= 2000`),
    foreignKey({ name: "feedback_agent_fk", columns: [t.tenantId, t.agentId], foreignColumns: [agents.tenantId, agents.id] }).onDelete("cascade"),
    foreignKey({ name: "feedback_outbound_fk", columns: [t.tenantId, t.outboundId], foreignColumns: [outboundMessages.tenantId, outboundMessages.id] }).onDelete("cascade"),
  ],
);

export type Feedback = typeof feedback.$inferSelect;
