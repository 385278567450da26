/**
 * The `agent` kind of versioned configuration (store.ts): the snapshot holds only editable
 * configuration (no ids, times, runtime state such as heartbeat timestamps), escalation rules included.
 * The functions below keep the agent writers' names.
 */
import { eq, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { type Agent, type ConfigVersion, agents, type VersionSource } from "../db/schema/index.ts";
import { latest, listVersions, lockVersioned, recordVersion, rollback, staleMessage, type VersionedKind } from "./store.ts";

export type AgentSnapshot = ReturnType<typeof agentSnapshot>;

export function agentSnapshot(a: Agent) {
  return {
    slug: a.slug,
    name: a.name,
    role: a.role,
    persona: a.persona,
    instructions: a.instructions,
    models: a.models,
    daily_budget_usd: a.dailyBudgetUsd,
    monthly_budget_usd: a.monthlyBudgetUsd,
    context_tokens: a.contextTokens,
    max_tool_iterations: a.maxToolIterations,
    skills: a.enabledSkills,
    escalation_rules: a.escalationRules,
    escalation: a.escalation,
    scope: a.scope,
    knowledge_documents: a.knowledgeDocuments,
    heartbeat: a.heartbeat,
    executor_models: a.executorModels,
    task_budget_usd: a.taskBudgetUsd,
    task_max_steps: a.taskMaxSteps,
  };
}

/** The agent's columns a snapshot sets back (rollback). */
export function snapshotColumns(s: AgentSnapshot) {
  return {
    slug: s.slug,
    name: s.name,
    role: s.role,
    persona: s.persona,
    instructions: s.instructions,
    models: s.models,
    dailyBudgetUsd: s.daily_budget_usd,
    monthlyBudgetUsd: s.monthly_budget_usd,
    contextTokens: s.context_tokens,
    maxToolIterations: s.max_tool_iterations,
    enabledSkills: s.skills,
    escalationRules: s.escalation_rules,
    escalation: s.escalation,
    scope: s.scope,
    knowledgeDocuments: s.knowledge_documents,
    heartbeat: s.heartbeat,
    executorModels: s.executor_models,
    taskBudgetUsd: s.task_budget_usd,
    taskMaxSteps: s.task_max_steps,
  };
}

export const agentKind: VersionedKind = {
  kind: "agent",
  noun: "AI employee",
  lock: async (tx, id) => (await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, id)).for("update")).length > 0,
  async snapshot(tx, id) {
    const [a] = await tx.select().from(agents).where(eq(agents.id, id));
    return a ? { tenantId: a.tenantId, name: a.name, config: agentSnapshot(a) } : null;
  },
  async restore(tx, id, config) {
    // A changed heartbeat is due at the next tick, as when the Designer saves it.
    await tx.update(agents).set({ ...snapshotColumns(config as AgentSnapshot), heartbeatNextAt: null, updatedAt: sql`now()` }).where(eq(agents.id, id));
  },
};

export const STALE_MESSAGE = staleMessage(agentKind.noun);

export const latestVersion = (tx: Tx, agentId: string): Promise<ConfigVersion | null> => latest(tx, agentKind, agentId);
/** Locks the agent row; with `expected`, refuses a save made from an older version. */
export const lockAgent = (tx: Tx, agentId: string, expected?: number): Promise<number> => lockVersioned(tx, agentKind, agentId, expected);
export const recordAgentVersion = (tx: Tx, agentId: string, author: string, source: VersionSource): Promise<number> => recordVersion(tx, agentKind, agentId, author, source);
export const listAgentVersions = (tx: Tx, agentId: string, limit = 200): Promise<ConfigVersion[]> => listVersions(tx, agentKind, agentId, limit);
export const rollbackAgent = (tx: Tx, agentId: string, version: number, author: string): Promise<number> => rollback(tx, agentKind, agentId, version, author);
