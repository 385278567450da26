/**
 * Fact extraction when a conversation ends — closed by /new, or idle for memory.idle_minutes: the
 * turns since the last extraction go to the agent's model, which lists the durable facts worth
 * keeping; each becomes a `fact` memory about the conversation's user. conversation_memory records
 * how far a conversation was read, so nothing is extracted twice and later turns are read later;
 * extractConversation() checks that again right before it reads, so a late or repeated job is a no-op.
 */
import { sql } from "drizzle-orm";
import { Ledger } from "../agent/ledger.ts";
import type { Database } from "../db/database.ts";
import { agents, type Agent } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import type { LlmPool } from "../llm/pool.ts";
import type { CompactionDeps } from "./compaction.ts";
import { recordedCall, transcript } from "./summarize.ts";
import { eq } from "drizzle-orm";

export const EXTRACT_SYSTEM =
  'From the conversation below, list the durable facts worth remembering about the user or their team for future conversations (preferences, names, roles, decisions, commitments, recurring needs). Skip small talk and anything only relevant right now. Reply with a JSON array of short self-contained sentences, or [] if there is nothing.';

/** Conversations listed per tenant by one look for due ones. */
const PER_ROUND = 50;
/** Newest turns read per extraction: bounds the call on very long conversations. */
const MAX_TURNS = 60;

export interface Due {
  conversation_id: string;
  agent_id: string;
  until: string;
  since: string | null;
  user_key: string | null;
}

/**
 * The conversation's agent has reached a cap (UTC day and month, as agent/usage.ts counts): its
 * conversations wait, and do not hold up other agents' in the round's limit.
 */
const overBudget = sql`exists (select 1 from agents a cross join lateral (
    select coalesce(sum(u.cost_usd) filter (where u.day = (now() at time zone 'utc')::date), 0) as today, coalesce(sum(u.cost_usd), 0) as month
    from usage_daily u where u.tenant_id = a.tenant_id and u.agent_id = a.id and u.day >= date_trunc('month', now() at time zone 'utc')::date) s
  where a.tenant_id = c.tenant_id and a.id = c.agent_id
    and ((a.daily_budget_usd > 0 and s.today >= a.daily_budget_usd) or (a.monthly_budget_usd > 0 and s.month >= a.monthly_budget_usd)))`;

/**
 * The tenant's ended conversations with turns not read yet, oldest first (up to `limit`), or only
 * `conversationId` if it is one; an over-budget agent's conversations are left out (they stay due).
 */
export async function dueForExtraction(db: Database, tenantId: string, idleMinutes: number, only: { limit?: number; conversationId?: string } = {}): Promise<Due[]> {
  const idle = idleMinutes > 0 ? sql`or c.last_message_at < now() - make_interval(mins => ${idleMinutes})` : sql``;
  const one = only.conversationId ? sql`and c.id = ${only.conversationId}::uuid` : sql``;
  return db.withTenant(tenantId, (tx) =>
    rowsOf<Due>(
      tx,
      sql`select c.id as conversation_id, c.agent_id, c.last_message_at::text as until, cm.extracted_until::text as since,
            (select e.message->'sender'->>'id' from messages m join inbound_events e on e.tenant_id = m.tenant_id and e.id = m.inbound_event_id
              where m.tenant_id = c.tenant_id and m.conversation_id = c.id and m.role = 'user' order by m.created_at desc limit 1) as user_key
          from conversations c left join conversation_memory cm on cm.tenant_id = c.tenant_id and cm.conversation_id = c.id
          where c.tenant_id = ${tenantId}::uuid and (c.closed_at is not null ${idle}) ${one}
            and (cm.extracted_until is null or c.last_message_at > cm.extracted_until)
            and not ${overBudget}
          order by c.last_message_at limit ${only.limit ?? PER_ROUND}`,
    ),
  );
}

/**
 * Reads one conversation's new turns for facts if it is (still) due; true when it was read. The
 * caller makes sure no other reader of this conversation runs at the same time (extraction jobs
 * are one at a time per conversation, see app/semantic.ts); a failing model call throws.
 */
export async function extractConversation(deps: CompactionDeps & { pool: Pick<LlmPool, "chat"> }, tenantId: string, conversationId: string, idleMinutes: number): Promise<boolean> {
  const [d] = await dueForExtraction(deps.db, tenantId, idleMinutes, { conversationId });
  if (!d) return false;
  const [agent] = await deps.db.withTenant(tenantId, (tx) => tx.select().from(agents).where(eq(agents.id, d.agent_id)));
  if (!agent) return false;
  await extractOne(deps, tenantId, agent, d);
  return true;
}

async function extractOne(deps: CompactionDeps & { pool: Pick<LlmPool, "chat"> }, tenantId: string, agent: Agent, d: Due): Promise<void> {
  const { db } = deps;
  const turns = await db.withTenant(tenantId, (tx) =>
    rowsOf<{ role: string; content: string }>(
      tx,
      sql`select role, content from (select role, content, created_at, id from messages
            where tenant_id = ${tenantId}::uuid and conversation_id = ${d.conversation_id}::uuid ${d.since ? sql`and created_at > ${d.since}::timestamptz` : sql``}
            order by created_at desc, id desc limit ${MAX_TURNS}) t order by created_at, id`,
    ),
  );
  if (turns.some((t) => t.role === "user") && agent.models.length) {
    const ledger = new Ledger({ tenantId, agentId: agent.id, conversationId: d.conversation_id }, deps.prices);
    const reply = await recordedCall(deps, tenantId, agent, ledger, EXTRACT_SYSTEM, transcript(turns));
    // Over budget: not read yet, so the conversation stays due and is read once there is budget again.
    if (reply === null) return;
    for (const fact of parseFacts(reply)) await deps.memory.remember(tenantId, { agentId: agent.id, userKey: d.user_key ?? "", kind: "fact", content: fact, conversationId: d.conversation_id });
  }
  await db.withTenant(tenantId, (tx) =>
    rowsOf(
      tx,
      sql`insert into conversation_memory (tenant_id, conversation_id, extracted_until) values (${tenantId}::uuid, ${d.conversation_id}::uuid, ${d.until}::timestamptz)
          on conflict (tenant_id, conversation_id) do update set extracted_until = excluded.extracted_until, updated_at = now()`,
    ),
  );
}

/** The model's JSON array of facts; tolerant of prose or code fences around it. */
export function parseFacts(reply: string): string[] {
  const m = /\[[\s\S]*\]/.exec(reply);
  if (!m) return [];
  try {
    const arr = JSON.parse(m[0]) as unknown;
    return Array.isArray(arr) ? arr.filter((f): f is string => typeof f === "string" && f.trim().length > 0).map((f) => f.trim()).slice(0, 20) : [];
  } catch {
    return [];
  }
}
