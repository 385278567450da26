/**
 * The inbox's writes, set-based: many arrivals recorded in one statement (with their inbound audit
 * entries), many events finished as one statement part. Group commit hands them whole batches.
 *
 * Invariants: a new event is inserted already claimed by the recording process; a redelivery —
 * of an event recorded earlier, or a second copy in the same batch — is reported as a duplicate of
 * the first, never inserted or audited twice.
 */
import { sql } from "drizzle-orm";
import { type AuditEntry, auditRow } from "../agent/audit.ts";
import type { InboundMessage } from "../channels/types.ts";
import type { Tx } from "../db/database.ts";
import { newId, type Part, recordset, rowsOf, uuidArray } from "../db/set-sql.ts";
import type { FinalStatus, Recorded } from "./inbox.ts";

/** An event as it arrives, with its inbound audit entry (live path). */
export interface Arrival {
  channelId: string;
  message: InboundMessage;
  audit?: AuditEntry;
}

export interface Finish {
  id: string;
  status: FinalStatus;
  error?: string;
}

/** A recorder's claim on what it records; `serialize` when other processes may record the same chats. */
export interface NewClaim {
  owner: string;
  leaseUntil: Date;
  serialize: boolean;
}

/**
 * One statement for many arrivals: insert-or-skip every event, audit the new ones, and find the
 * ids of the ones already recorded. A redelivery inside the batch is a duplicate of its first.
 *
 * Per-chat order: a new event is inserted claimed only if no earlier unfinished event of its chat
 * is held by anyone else (this process orders its own in memory); otherwise it is inserted
 * `pending` — held — and claimed once it is the chat's head (Inbox.claimHeld). With several
 * processes, the chats' advisory locks (one statement before, taken in key order) make a second
 * recorder of the same chat wait for the first to commit, so its insert sees the first's row.
 */
export async function recordArrivals(tx: Tx, tenantId: string, claim: NewClaim, arrivals: Arrival[]): Promise<Recorded[]> {
  const firstOf = new Map<string, number>();
  const unique: Arrival[] = [];
  const slots = arrivals.map((a) => {
    const key = `${a.channelId} ${a.message.eventKey}`;
    const seen = firstOf.get(key);
    if (seen !== undefined) return { at: seen, repeat: true };
    firstOf.set(key, unique.push(a) - 1);
    return { at: unique.length - 1, repeat: false };
  });
  const input = recordset(
    unique.map((a, i) => ({
      i,
      id: newId(),
      channel_id: a.channelId,
      event_key: a.message.eventKey,
      chat_key: a.message.command === "cancel" ? null : a.message.chatKey,
      message: a.message,
      audit: a.audit ? auditRow(a.audit) : null,
    })),
    "x",
    "i int, id uuid, channel_id uuid, event_key text, chat_key text, message jsonb, audit jsonb",
  );
  if (claim.serialize)
    await rowsOf(
      tx,
      sql`select count(pg_advisory_xact_lock(hashtextextended(k, 0))) as n
        from (select distinct ${tenantId} || ' ' || channel_id || ' ' || chat_key as k from ${input} where chat_key is not null order by 1) s`,
    );
  const rows = await rowsOf<{ i: number; id: string | null; status: string | null }>(
    tx,
    sql`with input as (select * from ${input}),
    chats as (
      select distinct c.channel_id, c.chat_key, exists (
        select 1 from inbound_events e
        where e.tenant_id = ${tenantId}::uuid and e.channel_id = c.channel_id and e.chat_key = c.chat_key
          and e.status in ('pending', 'processing') and not (e.status = 'processing' and e.owner = ${claim.owner}::text)
      ) as held
      from input c where c.chat_key is not null
    ),
    ins as (
      insert into inbound_events (id, tenant_id, channel_id, event_key, chat_key, message, status, attempts, owner, lease_until)
      select x.id, ${tenantId}::uuid, x.channel_id, x.event_key, x.chat_key, x.message,
        case when h.held then 'pending' else 'processing' end, case when h.held then 0 else 1 end,
        case when h.held then null else ${claim.owner}::text end, case when h.held then null else ${claim.leaseUntil.toISOString()}::timestamptz end
      from input x left join chats h on h.channel_id = x.channel_id and h.chat_key = x.chat_key
      order by x.i
      on conflict do nothing returning id, channel_id, event_key, status
    ),
    aud as (
      insert into audit_log (id, tenant_id, kind, summary, agent_id, conversation_id, actor, data)
      select a.id, ${tenantId}::uuid, a.kind, a.summary, a.agent_id, a.conversation_id, a.actor, a.data
      from ins join input using (channel_id, event_key),
        jsonb_to_record(input.audit) as a(id uuid, kind text, summary text, agent_id uuid, conversation_id uuid, actor text, data jsonb)
      where input.audit is not null
    )
    select input.i, ins.id, ins.status from input left join ins using (channel_id, event_key)`,
  );
  const recorded: Recorded[] = new Array(unique.length);
  const repeats: number[] = [];
  for (const r of rows) {
    if (r.id) recorded[r.i] = { id: r.id, duplicate: false, held: r.status === "pending" };
    else repeats.push(r.i);
  }
  // Redeliveries: the rows are already there (one key lookup each). Looked up by a new statement,
  // which also sees a row a concurrent recorder committed after the insert's snapshot.
  if (repeats.length) {
    const keys = recordset(repeats.map((i) => ({ i, channel_id: unique[i]!.channelId, event_key: unique[i]!.message.eventKey })), "x", "i int, channel_id uuid, event_key text");
    const found = await rowsOf<{ i: number; id: string }>(
      tx,
      sql`select x.i, (select e.id from inbound_events e where e.tenant_id = ${tenantId}::uuid and e.channel_id = x.channel_id and e.event_key = x.event_key) as id from ${keys}`,
    );
    for (const r of found) recorded[r.i] = { id: r.id, duplicate: true, held: false };
  }
  return slots.map(({ at, repeat }) => (repeat ? { id: recorded[at]!.id, duplicate: true, held: false } : recorded[at]!));
}

/** Ends many events as one statement part (written with the reply's final state). */
export function finishPart(tenantId: string, done: Finish[]): Part {
  if (!done.length) return null;
  const input = recordset(done.map((d) => ({ id: d.id, status: d.status, error: d.error ?? null })), "f", "id uuid, status text, error text");
  return [
    "inbox_finish",
    sql`update inbound_events e set status = f.status, error = f.error, processed_at = now(), lease_until = null
      from ${input} where e.tenant_id = ${tenantId}::uuid and e.id = any(${uuidArray(done.map((d) => d.id))}) and e.id = f.id`,
  ];
}
