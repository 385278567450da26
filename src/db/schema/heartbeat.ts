/**
 * Tenant-owned: the heartbeat (src/heartbeat/). `heartbeat_runs` records every beat — what the SQL
 * pre-check found, what was decided and what it cost (an idle beat: 0 items, decision `idle`, 0
 * tokens). The per-agent settings and the schedule (`next_at`, `last_at`) live on `agents`.
 * A `notify` run's message is written to the outbox under an event of its own (id = the run's id,
 * gateway/origin.ts); `delivered_at` is set once the outbox handed it over, `delivery_tried_at` is
 * the latest attempt's claim (so one replica's sweep retries it at a time).
 */
import { sql } from "drizzle-orm";
import { index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const HEARTBEAT_DECISIONS = ["idle", "notify", "quiet", "skipped", "failed"] as const;
export type HeartbeatDecision = (typeof HEARTBEAT_DECISIONS)[number];

export const heartbeatRuns = pgTable(
  "heartbeat_runs",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    agentId: uuid("agent_id").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** What changed since the previous beat, as the pre-check found it. */
    items: integer("items").notNull().default(0),
    found: jsonb("found").$type<unknown[]>().notNull().default([]),
    decision: text("decision").$type<HeartbeatDecision>().notNull(),
    message: text("message"),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    costUsd: numeric("cost_usd", { precision: 20, scale: 9 }).notNull().default("0"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    deliveryTriedAt: timestamp("delivery_tried_at", { withTimezone: true }),
    deliveryError: text("delivery_error"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("heartbeat_runs_agent").on(t.tenantId, t.agentId, t.at),
    index("heartbeat_runs_undelivered").on(t.tenantId, t.at).where(sql`decision = 'notify' and delivered_at is null`),
  ],
);

export type HeartbeatRun = typeof heartbeatRuns.$inferSelect;
