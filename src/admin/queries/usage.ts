/** Usage and cost from the daily rollup: per day, per agent and per model over a date range (UTC). */
import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { agents, usageDaily } from "../../db/schema/index.ts";
import { type HeartbeatSpend, heartbeatSpend } from "../../heartbeat/runs.ts";

export interface UsageRange {
  /** YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
  agentId?: string;
}

export interface UsageTotals {
  calls: number;
  failedCalls: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export interface UsageReport {
  byDay: ({ day: string } & UsageTotals)[];
  byAgent: ({ agentId: string; agentName: string } & UsageTotals)[];
  byModel: ({ model: string } & UsageTotals)[];
  total: UsageTotals;
  /** The heartbeat's share, per agent (its calls are counted above too). */
  heartbeat: HeartbeatSpend[];
}

const totals = {
  calls: sql<number>`sum(${usageDaily.calls})::int`,
  failedCalls: sql<number>`sum(${usageDaily.failedCalls})::int`,
  promptTokens: sql<number>`sum(${usageDaily.promptTokens})::bigint`,
  completionTokens: sql<number>`sum(${usageDaily.completionTokens})::bigint`,
  costUsd: sql<string>`sum(${usageDaily.costUsd})`,
};

type Raw = { calls: number; failedCalls: number; promptTokens: number | string; completionTokens: number | string; costUsd: string };
const num = <T extends Raw>(r: T) => ({ ...r, calls: Number(r.calls), failedCalls: Number(r.failedCalls), promptTokens: Number(r.promptTokens), completionTokens: Number(r.completionTokens), costUsd: Number(r.costUsd) });

/** The default range: the last 30 days up to today (UTC). */
export function defaultRange(now = new Date()): UsageRange {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - 29 * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

export async function usageReport(db: Database, tenantId: string, r: UsageRange): Promise<UsageReport> {
  const where = and(gte(usageDaily.day, r.from), lte(usageDaily.day, r.to), r.agentId ? eq(usageDaily.agentId, r.agentId) : undefined);
  return db.withTenant(tenantId, async (tx) => {
    const byDay = await tx.select({ day: usageDaily.day, ...totals }).from(usageDaily).where(where).groupBy(usageDaily.day).orderBy(asc(usageDaily.day));
    const byAgent = await tx
      .select({ agentId: usageDaily.agentId, agentName: agents.name, ...totals })
      .from(usageDaily)
      .innerJoin(agents, and(eq(agents.tenantId, usageDaily.tenantId), eq(agents.id, usageDaily.agentId)))
      .where(where)
      .groupBy(usageDaily.agentId, agents.name)
      .orderBy(asc(agents.name));
    const byModel = await tx
      .select({ model: sql<string>`${usageDaily.provider} || '/' || ${usageDaily.model}`, ...totals })
      .from(usageDaily)
      .where(where)
      .groupBy(usageDaily.provider, usageDaily.model)
      .orderBy(asc(usageDaily.provider), asc(usageDaily.model));
    const days = byDay.map(num);
    const total = days.reduce(
      (t, d) => ({ calls: t.calls + d.calls, failedCalls: t.failedCalls + d.failedCalls, promptTokens: t.promptTokens + d.promptTokens, completionTokens: t.completionTokens + d.completionTokens, costUsd: t.costUsd + d.costUsd }),
      { calls: 0, failedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
    );
    const heartbeat = await heartbeatSpend(tx, r.from, r.to, r.agentId);
    return { byDay: days, byAgent: byAgent.map(num), byModel: byModel.map(num), total, heartbeat };
  });
}

/** Every day of the range, with zeros where nothing was recorded (the chart's x axis). */
export function fillDays(range: UsageRange, byDay: UsageReport["byDay"]): UsageReport["byDay"] {
  const have = new Map(byDay.map((d) => [d.day, d]));
  const out: UsageReport["byDay"] = [];
  for (let t = new Date(`${range.from}T00:00:00Z`).getTime(), end = new Date(`${range.to}T00:00:00Z`).getTime(); t <= end && out.length < 366; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(have.get(day) ?? { day, calls: 0, failedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 });
  }
  return out;
}
