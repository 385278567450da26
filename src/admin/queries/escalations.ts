/**
 * The dashboard's "Escalations" section (issue 13 §4): for the last N days, per agent the escalation
 * rate (handoffs created / conversations with a message in the period) and the median and p90 of the
 * time to the first human reply and to resolution, and the same times per reason (the rule name, from
 * config). Both scans stay on the (tenant_id, created_at) / (tenant_id, last_message_at) indexes
 * (handoffs_recent, conversations_recent); the rows returned are bounded (agents of one tenant, at
 * most MAX_REASONS reasons, the rarest folded away).
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { rowsOf } from "../../db/set-sql.ts";

export const PERIODS = [7, 30, 90] as const;
export type PeriodDays = (typeof PERIODS)[number];
const MAX_REASONS = 20;
const MAX_AGENTS = 200;

export interface EscalationTimes {
  handoffs: number;
  /** Seconds; null when no handoff of the group has one yet. */
  firstReplyMedian: number | null;
  firstReplyP90: number | null;
  resolutionMedian: number | null;
  resolutionP90: number | null;
}
export interface AgentEscalations extends EscalationTimes {
  agentSlug: string;
  conversations: number;
  /** handoffs / conversations, null without conversations. */
  rate: number | null;
}
export interface EscalationFigures {
  days: PeriodDays;
  agents: AgentEscalations[];
  reasons: (EscalationTimes & { reason: string })[];
}

/** The period asked for in ?days=, one of PERIODS (30 by default). */
export function periodOf(raw: string | null | undefined): PeriodDays {
  const n = Number(raw);
  return (PERIODS as readonly number[]).includes(n) ? (n as PeriodDays) : 30;
}

const times = sql`count(*) as handoffs,
  percentile_cont(0.5) within group (order by extract(epoch from h.first_reply_at - h.created_at)) as fr_med,
  percentile_cont(0.9) within group (order by extract(epoch from h.first_reply_at - h.created_at)) as fr_p90,
  percentile_cont(0.5) within group (order by extract(epoch from h.closed_at - h.created_at)) as res_med,
  percentile_cont(0.9) within group (order by extract(epoch from h.closed_at - h.created_at)) as res_p90`;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const timesOf = (r: Record<string, unknown>): EscalationTimes => ({
  handoffs: Number(r.handoffs ?? 0),
  firstReplyMedian: num(r.fr_med),
  firstReplyP90: num(r.fr_p90),
  resolutionMedian: num(r.res_med),
  resolutionP90: num(r.res_p90),
});

export async function escalationFigures(db: Database, tenantId: string, days: PeriodDays, now = new Date()): Promise<EscalationFigures> {
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  return db.withTenant(tenantId, async (tx) => {
    const agentRows = await rowsOf<Record<string, unknown>>(
      tx,
      sql`with h as (select * from handoffs h where h.created_at >= ${since}::timestamptz),
        per as (select h.agent_id, ${times} from h group by h.agent_id),
        conv as (select agent_id, count(*) as conversations from conversations
                 where last_message_at >= ${since}::timestamptz group by agent_id)
      select a.slug, coalesce(conv.conversations, 0) as conversations, per.*
      from agents a left join per on per.agent_id = a.id left join conv on conv.agent_id = a.id
      where per.agent_id is not null or conv.agent_id is not null
      order by coalesce(per.handoffs, 0) desc, a.slug limit ${MAX_AGENTS}`,
    );
    const reasonRows = await rowsOf<Record<string, unknown>>(
      tx,
      sql`select h.rule as reason, ${times} from handoffs h where h.created_at >= ${since}::timestamptz
      group by h.rule order by count(*) desc, h.rule limit ${MAX_REASONS}`,
    );
    return {
      days,
      agents: agentRows.map((r) => {
        const conversations = Number(r.conversations);
        const t = timesOf(r);
        return { agentSlug: String(r.slug), conversations, rate: conversations ? t.handoffs / conversations : null, ...t };
      }),
      reasons: reasonRows.map((r) => ({ reason: String(r.reason), ...timesOf(r) })),
    };
  });
}
