/** Tenant-owned: AI employees. Composite key (tenant_id, id) so the table can be sharded by tenant. */
import { sql } from "drizzle-orm";
import { foreignKey, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import type { EscalationSettings } from "../../escalation/types.ts";
import type { ScopeSettings } from "../../scope/types.ts";
import { tenants } from "./tenants.ts";

export const agents = pgTable(
  "agents",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    role: text("role").notNull().default(""),
    persona: text("persona").notNull().default(""),
    instructions: text("instructions").notNull().default(""),
    /** Model chain, primary first: `provider_id/model`. */
    models: jsonb("models").$type<string[]>().notNull().default([]),
    /** USD caps over the price table; 0 = none. */
    dailyBudgetUsd: numeric("daily_budget_usd", { precision: 20, scale: 9 }).notNull().default("0"),
    monthlyBudgetUsd: numeric("monthly_budget_usd", { precision: 20, scale: 9 }).notNull().default("0"),
    contextTokens: integer("context_tokens").notNull().default(8000),
    maxToolIterations: integer("max_tool_iterations").notNull().default(4),
    /** Skills this agent may use by name; null = every skill available to its tenant. */
    enabledSkills: text("enabled_skills").array(),
    /** Free-text escalation rules (when to hand over to a human), shown to the model with the instructions. */
    escalationRules: text("escalation_rules").notNull().default(""),
    /** Structured escalation rules and topics (src/escalation/), evaluated by the appliance; null = none. */
    escalation: jsonb("escalation").$type<EscalationSettings | null>(),
    /** The business-function scope (src/scope/): prompt and local off-topic check; null = unscoped. */
    scope: jsonb("scope").$type<ScopeSettings | null>(),
    /** Documents kb_search may read for this agent (src/knowledge/scope.ts); null = the whole knowledge base. */
    knowledgeDocuments: uuid("knowledge_documents").array(),
    /** Model chain for background tasks; empty = `models`. */
    executorModels: jsonb("executor_models").$type<string[]>().notNull().default([]),
    /** Per task: USD cap (0 = only the agent's caps) and model ↔ tool round trips. */
    taskBudgetUsd: numeric("task_budget_usd", { precision: 12, scale: 4 }).notNull().default("0"),
    taskMaxSteps: integer("task_max_steps").notNull().default(20),
    /** The heartbeat (src/heartbeat/): null = off. */
    heartbeat: jsonb("heartbeat").$type<HeartbeatSettings | null>(),
    /** When the heartbeat is next due and when it last beat (the pre-check looks at what is newer). */
    heartbeatNextAt: timestamp("heartbeat_next_at", { withTimezone: true }),
    heartbeatLastAt: timestamp("heartbeat_last_at", { withTimezone: true }),
    source: text("source").notNull().default("ui"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique("agents_tenant_slug").on(t.tenantId, t.slug),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete("cascade"),
  ],
);

/** Per agent heartbeat settings (config `tenants[].agents[].heartbeat`). */
export interface HeartbeatSettings {
  everyMinutes: number;
  /** Local wall-clock "HH:MM" range in `tz` during which no beat runs (may wrap midnight). */
  quietHours: { start: string; end: string; tz: string } | null;
  /** HEARTBEAT.md: what to look at, what is worth interrupting for. */
  checklist: string;
  /** Where a reach-out goes: one of the tenant's channels (by name) and a chat on it (its chat key). */
  notify: { channel: string; chat: string } | null;
}

export type Agent = typeof agents.$inferSelect;
