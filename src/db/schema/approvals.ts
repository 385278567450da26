/**
 * Tenant-owned: tool calls waiting for a human, and the secrets tool calls may use by name.
 *  - approvals: a paused agent turn — the exact call, who asked, and the turn's state so it can go on
 *    after a decision, an expiry or a restart. pending → approved → done | denied | expired; only a
 *    pending row can be decided, so a second click finds nothing to decide.
 *  - tenant_secrets: sealed values (secrets/box.ts), injected into tool calls at execution, never
 *    shown to the model.
 */
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { bytea } from "./channels.ts";

export const approvals = pgTable(
  "approvals",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    agentId: uuid("agent_id").notNull(),
    conversationId: uuid("conversation_id").notNull(),
    channelId: uuid("channel_id").notNull(),
    chatKey: text("chat_key").notNull(),
    replyTo: text("reply_to"),
    /** The inbound event whose turn paused, and the outbox seq its approval prompt was written at. */
    eventId: uuid("event_id").notNull(),
    seq: integer("seq").notNull(),
    requestedBy: text("requested_by").notNull(),
    skill: text("skill"),
    tool: text("tool").notNull(),
    arguments: jsonb("arguments").notNull(),
    summary: text("summary").notNull(),
    /** The paused turn (TurnState in agent/loop.ts). */
    state: jsonb("state").notNull(),
    status: text("status").notNull().default("pending"),
    decidedBy: text("decided_by"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    /** The tool's output once run, so a resumed turn never runs it twice. */
    result: text("result"),
    /**
     * Set when the turn goes on outside an inbound event (expiry sweep, admin console): the outbox
     * seq (under event_id) its next message is written at. A start-up sweep resumes a turn whose
     * message never got written (the process died mid-way).
     */
    resumeSeq: integer("resume_seq"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("approvals_pending").on(t.tenantId, t.expiresAt).where(sql`status = 'pending'`),
  ],
);

export const tenantSecrets = pgTable(
  "tenant_secrets",
  {
    tenantId: uuid("tenant_id").notNull(),
    name: text("name").notNull(),
    value: bytea("value").notNull(),
    source: text("source").notNull().default("ui"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

export type Approval = typeof approvals.$inferSelect;
