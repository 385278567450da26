/**
 * What a tenant holds of one person (see README.md). A person's conversations are those in which
 * every inbound event is theirs; in a conversation shared with others only their own messages (and
 * the replies to them, which carry the same inbound event) are theirs. Callers pass a tenant
 * transaction: RLS keeps every statement inside the tenant.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/set-sql.ts";

/** An id is at most this long (Slack/Telegram ids are short; API `user` is bounded too). */
export const MAX_USER_KEY = 200;

export interface PersonScope {
  /** The person's inbound events. */
  events: string[];
  /** Conversations only they took part in. */
  conversations: string[];
  /** Conversations shared with others, in which they wrote. */
  shared: string[];
}

export async function personScope(tx: Tx, userKey: string): Promise<PersonScope> {
  const events = (await rowsOf<{ id: string }>(tx, sql`select id from inbound_events where message->'sender'->>'id' = ${userKey}`)).map((r) => r.id);
  const convs = await rowsOf<{ id: string; others: boolean }>(
    tx,
    sql`select m.conversation_id as id,
          exists (select 1 from messages o join inbound_events e on e.tenant_id = o.tenant_id and e.id = o.inbound_event_id
                  where o.conversation_id = m.conversation_id and e.message->'sender'->>'id' is distinct from ${userKey}) as others
        from messages m join inbound_events e on e.tenant_id = m.tenant_id and e.id = m.inbound_event_id
        where e.message->'sender'->>'id' = ${userKey}
        group by m.conversation_id`,
  );
  return { events, conversations: convs.filter((c) => !c.others).map((c) => c.id), shared: convs.filter((c) => c.others).map((c) => c.id) };
}

export interface PersonSummary {
  userKey: string;
  memories: number;
  lastAt: Date | null;
}

/** People the tenant's AI employees remember or heard from, most recent first (bounded). */
export async function listPeople(tx: Tx, limit = 200): Promise<PersonSummary[]> {
  const rows = await rowsOf<{ user_key: string; memories: number; last_at: string | null }>(
    tx,
    sql`select user_key, sum(memories)::int as memories, max(last_at) as last_at from (
          select user_key, count(*) as memories, max(created_at) as last_at from memories where user_key <> '' group by user_key
          union all
          select message->'sender'->>'id', 0, max(received_at) from inbound_events where coalesce(message->'sender'->>'id', '') <> '' group by 1
        ) p group by user_key order by max(last_at) desc nulls last limit ${limit}`,
  );
  return rows.map((r) => ({ userKey: r.user_key, memories: r.memories, lastAt: r.last_at ? new Date(r.last_at) : null }));
}
