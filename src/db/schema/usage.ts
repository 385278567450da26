/**
 * Tenant-owned: what every LLM call cost, and the append-only audit trail. The application role may
 * INSERT and SELECT audit rows but never UPDATE or DELETE them (revoked in the migration).
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const llmCalls = pgTable(
  "llm_calls",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    agentId: uuid("agent_id").notNull(),
    conversationId: uuid("conversation_id"),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    ok: boolean("ok").notNull(),
    error: text("error"),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    latencyMs: integer("latency_ms").notNull().default(0),
    costUsd: numeric("cost_usd", { precision: 20, scale: 9 }).notNull().default("0"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("llm_calls_agent_time").on(t.tenantId, t.agentId, t.createdAt),
  ],
);

/**
 * Per agent, model and UTC day: the rollup budgets are checked against (a month is ≤ 31 rows, not
 * every call) and the usage pages chart. Upserted in the same transaction as the llm_calls row.
 */
export const usageDaily = pgTable(
  "usage_daily",
  {
    tenantId: uuid("tenant_id").notNull(),
    agentId: uuid("agent_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    calls: integer("calls").notNull().default(0),
    failedCalls: integer("failed_calls").notNull().default(0),
    promptTokens: bigint("prompt_tokens", { mode: "number" }).notNull().default(0),
    completionTokens: bigint("completion_tokens", { mode: "number" }).notNull().default(0),
    costUsd: numeric("cost_usd", { precision: 20, scale: 9 }).notNull().default("0"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.agentId, t.day, t.provider, t.model] })],
);

/**
 * The most a model call in flight may cost, held against the agent's caps until the call's usage is
 * recorded (same transaction) or `expiresAt` passes (src/agent/reservations.ts).
 */
export const budgetReservations = pgTable(
  "budget_reservations",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull(),
    agentId: uuid("agent_id").notNull(),
    usd: numeric("usd", { precision: 20, scale: 9 }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("budget_reservations_agent").on(t.tenantId, t.agentId, t.expiresAt)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** inbound | llm_call | tool_call | outbound | refusal | budget_stop | … */
    kind: text("kind").notNull(),
    agentId: uuid("agent_id"),
    conversationId: uuid("conversation_id"),
    actor: text("actor").notNull().default(""),
    summary: text("summary").notNull(),
    data: jsonb("data").notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("audit_log_time").on(t.tenantId, t.at),
    index("audit_log_kind_time").on(t.tenantId, t.kind, t.at),
  ],
);

export type LlmCall = typeof llmCalls.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
