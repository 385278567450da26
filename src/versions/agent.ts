/**
 * An AI employee's versions. Invariants: called inside the change's own transaction (withTenant);
 * the snapshot holds only editable configuration (no ids, times, runtime state such as heartbeat
 * timestamps); version numbers per agent are 1, 2, 3… with no gaps.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { type Agent, type AgentVersion, agents, agentVersions, type VersionSource } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";

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

export async function latestVersion(tx: Tx, agentId: string): Promise<AgentVersion | null> {
  const [v] = await tx.select().from(agentVersions).where(eq(agentVersions.agentId, agentId)).orderBy(desc(agentVersions.version)).limit(1);
  return v ?? null;
}

export const STALE_MESSAGE = "someone else saved this AI employee after you opened it: reload the page to see their change, then make yours again";

/**
 * Locks the agent row for the rest of the transaction and, with `expected`, refuses a save made
 * from an older version. Agents without history yet are at version 0.
 */
export async function lockAgent(tx: Tx, agentId: string, expected?: number): Promise<number> {
  const locked = await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, agentId)).for("update");
  if (!locked.length) throw new KonstructError("not_found", "no such AI employee");
  const current = (await latestVersion(tx, agentId))?.version ?? 0;
  if (expected !== undefined && expected !== current) throw new KonstructError("conflict", STALE_MESSAGE);
  return current;
}

/** Writes the agent's current state as a new version unless it equals the latest; returns the latest number. */
export async function recordAgentVersion(tx: Tx, agentId: string, author: string, source: VersionSource): Promise<number> {
  const [a] = await tx.select().from(agents).where(eq(agents.id, agentId));
  if (!a) throw new KonstructError("not_found", "no such AI employee");
  const config = agentSnapshot(a);
  const last = await latestVersion(tx, agentId);
  // jsonb reorders keys; a deep comparison is what "nothing changed" means.
  if (last && Bun.deepEquals(normal(last.config), normal(config))) return last.version;
  const version = (last?.version ?? 0) + 1;
  await tx.insert(agentVersions).values({ tenantId: a.tenantId, agentId, version, config, author: author.slice(0, 200), source });
  return version;
}

/** Undefined-free, as jsonb stores it. */
const normal = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

export async function listAgentVersions(tx: Tx, agentId: string, limit = 200): Promise<AgentVersion[]> {
  return tx.select().from(agentVersions).where(eq(agentVersions.agentId, agentId)).orderBy(desc(agentVersions.version)).limit(limit);
}

/** Sets the agent back to version `version`'s configuration; the result is a new version (source rollback). */
export async function rollbackAgent(tx: Tx, agentId: string, version: number, author: string): Promise<number> {
  await lockAgent(tx, agentId);
  const [v] = await tx.select().from(agentVersions).where(and(eq(agentVersions.agentId, agentId), eq(agentVersions.version, version)));
  if (!v) throw new KonstructError("not_found", "no such version");
  // A changed heartbeat is due at the next tick, as when the Designer saves it.
  await tx.update(agents).set({ ...snapshotColumns(v.config as AgentSnapshot), heartbeatNextAt: null, updatedAt: sql`now()` }).where(eq(agents.id, agentId));
  return recordAgentVersion(tx, agentId, author, "rollback");
}
