/** What the console shows of an agent's heartbeat: its recent runs and their totals (tokens, cost). */
import { desc, eq, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { type HeartbeatRun, heartbeatRuns } from "../db/schema/index.ts";

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
