/**
 * What the console shows of the heartbeat: an agent's recent runs and their totals (tokens, cost),
 * and per agent what its beats spent over a date range (the usage page's heartbeat share — the same
 * calls are in llm_calls/usage_daily with everything else).
 */
import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { agents, type HeartbeatRun, heartbeatRuns } from "../db/schema/index.ts";

export interface HeartbeatSummary {
  runs: number;
  modelCalls: number;
  tokens: number;
  costUsd: number;
  recent: HeartbeatRun[];
}

export async function heartbeatSummary(tx: Tx, agentId: string, recent = 10): Promise<HeartbeatSummary> {
  const [total] = await tx
    .select({
      runs: sql<number>`count(*)::int`,
      modelCalls: sql<number>`count(*) filter (where ${heartbeatRuns.promptTokens} + ${heartbeatRuns.completionTokens} > 0)::int`,
      tokens: sql<number>`coalesce(sum(${heartbeatRuns.promptTokens} + ${heartbeatRuns.completionTokens}), 0)::int`,
      costUsd: sql<string>`coalesce(sum(${heartbeatRuns.costUsd}), 0)`,
    })
    .from(heartbeatRuns)
    .where(eq(heartbeatRuns.agentId, agentId));
  const rows = await tx.select().from(heartbeatRuns).where(eq(heartbeatRuns.agentId, agentId)).orderBy(desc(heartbeatRuns.at)).limit(recent);
  return { runs: total!.runs, modelCalls: total!.modelCalls, tokens: total!.tokens, costUsd: Number(total!.costUsd), recent: rows };
}

export interface HeartbeatSpend {
  agentId: string;
  agentName: string;
  runs: number;
  modelCalls: number;
  tokens: number;
  costUsd: number;
}

/** Per agent, its beats between two UTC days (YYYY-MM-DD, inclusive). */
export async function heartbeatSpend(tx: Tx, from: string, to: string, agentId?: string): Promise<HeartbeatSpend[]> {
  const rows = await tx
    .select({
      agentId: heartbeatRuns.agentId,
      agentName: agents.name,
      runs: sql<number>`count(*)::int`,
      modelCalls: sql<number>`count(*) filter (where ${heartbeatRuns.promptTokens} + ${heartbeatRuns.completionTokens} > 0)::int`,
      tokens: sql<number>`coalesce(sum(${heartbeatRuns.promptTokens} + ${heartbeatRuns.completionTokens}), 0)::bigint`,
      costUsd: sql<string>`coalesce(sum(${heartbeatRuns.costUsd}), 0)`,
    })
    .from(heartbeatRuns)
    .innerJoin(agents, and(eq(agents.tenantId, heartbeatRuns.tenantId), eq(agents.id, heartbeatRuns.agentId)))
    .where(and(sql`${heartbeatRuns.at} >= ${from}::date and ${heartbeatRuns.at} < ${to}::date + 1`, agentId ? eq(heartbeatRuns.agentId, agentId) : undefined))
    .groupBy(heartbeatRuns.agentId, agents.name)
    .orderBy(asc(agents.name));
  return rows.map((r) => ({ ...r, runs: Number(r.runs), modelCalls: Number(r.modelCalls), tokens: Number(r.tokens), costUsd: Number(r.costUsd) }));
}
