/**
 * /api/v1/tenants/:tenantId/usage: the daily rollup per agent and model over a date range
 * (default: the last 30 days, UTC), with totals.
 */
import { and, asc, eq, gte, lte } from "drizzle-orm";
import { usageDaily } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import type { Handler } from "../lazy.ts";
import { idParam } from "../request.ts";
import { tenantScope } from "./common.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;

function dayParam(v: string | undefined, name: string, fallback: string): string {
  if (!v) return fallback;
  if (!DAY.test(v) || Number.isNaN(Date.parse(v))) throw new KonstructError("bad_request", `${name}: a date as YYYY-MM-DD`);
  return v;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const getUsage: Handler = async (deps, { principal, params, query }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "usage", params.tenantId);
  const to = dayParam(query.to, "to", isoDay(Date.now()));
  const from = dayParam(query.from, "from", isoDay(Date.parse(to) - 29 * 86_400_000));
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (days < 0) throw new KonstructError("bad_request", "from: must not be after to");
  if (days >= MAX_DAYS) throw new KonstructError("bad_request", `from: at most ${MAX_DAYS} days per request`);
  const rows = await db.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(usageDaily)
      .where(and(gte(usageDaily.day, from), lte(usageDaily.day, to), query.agent_id ? eq(usageDaily.agentId, idParam(query.agent_id, "agent")) : undefined))
      .orderBy(asc(usageDaily.day), asc(usageDaily.agentId), asc(usageDaily.model)),
  );
  const items = rows.map((r) => ({
    day: r.day,
    agent_id: r.agentId,
    provider: r.provider,
    model: r.model,
    calls: r.calls,
    failed_calls: r.failedCalls,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    cost_usd: Number(r.costUsd),
  }));
  const sum = (k: "calls" | "failed_calls" | "prompt_tokens" | "completion_tokens" | "cost_usd") => items.reduce((s, i) => s + i[k], 0);
  return {
    from,
    to,
    items,
    totals: { calls: sum("calls"), failed_calls: sum("failed_calls"), prompt_tokens: sum("prompt_tokens"), completion_tokens: sum("completion_tokens"), cost_usd: sum("cost_usd") },
  };
};
