/**
 * Usage and budgets. Every LLM attempt — failed ones too — is a row in llm_calls with its tokens,
 * latency and cost from the configured price table. Budgets are checked before each call against
 * what is already recorded, and each call is bounded by what is left (budget.ts), so a cap is
 * overshot by at most the one bounded call that crossed it.
 */
import { and, eq, gte, sql } from "drizzle-orm";
import type { Config } from "../config/schema.ts";
import type { Tx } from "../db/database.ts";
import { MONEY_DECIMALS } from "../config/money.ts";
import { usd } from "./budget.ts";
import { type Agent, agents, usageDaily } from "../db/schema/index.ts";
import { fromRow, newId, type Part, recordset, rowsOf, uuidArray } from "../db/set-sql.ts";

export type PriceTable = Config["llm"]["prices"];

export function costUsd(prices: PriceTable, provider: string, model: string, promptTokens: number, completionTokens: number): number {
  const p = prices[`${provider}/${model}`];
  if (!p) return 0;
  return (promptTokens * p.input_per_mtok + completionTokens * p.output_per_mtok) / 1_000_000;
}

export interface CallRecord {
  tenantId: string;
  agentId: string;
  conversationId: string | null;
  provider: string;
  model: string;
  ok: boolean;
  error?: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costUsd: number;
}

/**
 * Writes many calls as two statement parts (see db/set-sql.ts): the llm_calls rows, and the
 * usage_daily rollup upserted once per (agent, day, model) with the batch's sums. Rows are upserted
 * in key order, so concurrent writers lock shared rollup rows in the same order.
 */
export function callParts(calls: CallRecord[], now = new Date()): Part[] {
  if (!calls.length) return [];
  const rows = calls.map((c) => ({
    id: newId(),
    tenant_id: c.tenantId,
    agent_id: c.agentId,
    conversation_id: c.conversationId,
    provider: c.provider,
    model: c.model,
    ok: c.ok,
    error: c.error ?? null,
    prompt_tokens: c.promptTokens,
    completion_tokens: c.completionTokens,
    latency_ms: Math.round(c.latencyMs),
    cost_usd: c.costUsd.toFixed(MONEY_DECIMALS),
  }));
  const input = recordset(
    rows,
    "c",
    "id uuid, tenant_id uuid, agent_id uuid, conversation_id uuid, provider text, model text, ok boolean, error text, prompt_tokens int, completion_tokens int, latency_ms int, cost_usd numeric",
  );
  const at = now.toISOString();
  const day = at.slice(0, 10);
  return [
    [
      "llm_calls_in",
      sql`insert into llm_calls (id, tenant_id, agent_id, conversation_id, provider, model, ok, error, prompt_tokens, completion_tokens, latency_ms, cost_usd, created_at)
        select id, tenant_id, agent_id, conversation_id, provider, model, ok, error, prompt_tokens, completion_tokens, latency_ms, cost_usd, ${at}::timestamptz from ${input}`,
    ],
    [
      "usage_daily_in",
      sql`insert into usage_daily (tenant_id, agent_id, day, provider, model, calls, failed_calls, prompt_tokens, completion_tokens, cost_usd)
        select * from (
          select tenant_id, agent_id, ${day}::date, provider, model, count(*)::int, (count(*) filter (where not ok))::int,
            sum(prompt_tokens), sum(completion_tokens), sum(cost_usd)
          from ${input} group by tenant_id, agent_id, provider, model
        ) g order by 1, 2, 4, 5
        on conflict (tenant_id, agent_id, day, provider, model) do update set
          calls = usage_daily.calls + excluded.calls,
          failed_calls = usage_daily.failed_calls + excluded.failed_calls,
          prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens,
          completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens,
          cost_usd = usage_daily.cost_usd + excluded.cost_usd`,
    ],
  ];
}

export interface Spend {
  today: number;
  month: number;
}

/** Spend in UTC calendar day and month, which is what the caps mean. */
export async function agentSpend(tx: Tx, agentId: string, now = new Date()): Promise<Spend> {
  const day = now.toISOString().slice(0, 10);
  const month = `${day.slice(0, 7)}-01`;
  const [row] = await tx
    .select({
      today: sql<string>`coalesce(sum(${usageDaily.costUsd}) filter (where ${usageDaily.day} = ${day}), 0)`,
      month: sql<string>`coalesce(sum(${usageDaily.costUsd}), 0)`,
    })
    .from(usageDaily)
    .where(and(eq(usageDaily.agentId, agentId), gte(usageDaily.day, month)));
  return { today: Number(row?.today ?? 0), month: Number(row?.month ?? 0) };
}

/** Agents with their spend (the same figures as agentSpend): a batch of turns reads both in one statement. */
export async function agentsWithSpend(tx: Tx, tenantId: string, ids: string[], now = new Date()): Promise<{ agent: Agent; spend: Spend }[]> {
  const day = now.toISOString().slice(0, 10);
  const month = `${day.slice(0, 7)}-01`;
  const rows = await rowsOf<Record<string, unknown> & { spend_today: string; spend_month: string }>(
    tx,
    sql`select a.*, s.today as spend_today, s.month as spend_month from agents a
      cross join lateral (
        select coalesce(sum(cost_usd) filter (where day = ${day}::date), 0) as today, coalesce(sum(cost_usd), 0) as month
        from usage_daily u where u.tenant_id = a.tenant_id and u.agent_id = a.id and u.day >= ${month}::date
      ) s
      where a.tenant_id = ${tenantId}::uuid and a.id = any(${uuidArray(ids)})`,
  );
  return rows.map((r) => ({ agent: fromRow(agents, r), spend: { today: Number(r.spend_today), month: Number(r.spend_month) } }));
}

export interface BudgetVerdict {
  allowed: boolean;
  /** For the user and the audit trail when not allowed. */
  reason?: string;
}

export function checkBudget(caps: { daily: number; monthly: number }, spend: Spend): BudgetVerdict {
  if (caps.daily > 0 && spend.today >= caps.daily)
    return { allowed: false, reason: `daily budget of ${usd(caps.daily)} reached (${usd(spend.today)} spent today)` };
  if (caps.monthly > 0 && spend.month >= caps.monthly)
    return { allowed: false, reason: `monthly budget of ${usd(caps.monthly)} reached (${usd(spend.month)} spent this month)` };
  return { allowed: true };
}
