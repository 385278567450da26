/**
 * The outbox's writes, set-based: many replies written down in one statement (alongside the turns
 * they answer), and many sends' states with their settlements in one statement (MARK, run by group
 * commit). A reply already written for a key is kept: what was recorded is what goes out.
 *
 * A reply is written down as `pending`: every caller delivers it as soon as the statement commits.
 * A channel that can look (Slack, the database-backed ones) is sent to without another write, so an
 * earlier `pending` row of such a channel may already be there and is looked for; a channel that
 * cannot look is marked `sending` (committed) before its first attempt, so its `pending` rows were
 * never attempted and are simply sent. A draft that already holds its send slot (a turn's answer:
 * Outbox.claim) is written `sending` at once — that statement's commit is the mark, one commit fewer
 * on the way to the user. Found `sending` by a later process (a crash), a reply is in doubt: the
 * channel may have it already (outbox.ts decides).
 */
import { sql } from "drizzle-orm";
import { auditInsert } from "../agent/audit.ts";
import type { OutboundText } from "../channels/types.ts";
import type { Tx } from "../db/database.ts";
import type { BatchOp } from "../db/group-commit.ts";
import { newId, type Part, recordset, rowsOf, statement, uuidArray } from "../db/set-sql.ts";
import { finishPart } from "./inbox-writes.ts";
import type { Prepared, Settlement } from "./outbox.ts";

export interface Draft {
  channelId: string;
  key: { inboundEventId: string; seq: number };
  message: OutboundText;
  /** Written `sending`: its send slot is held and it is attempted as soon as the statement commits. */
  sending?: boolean;
}

/** A send's progress or final state, and what commits with it. */
export interface Mark {
  id: string | null;
  status?: "sending" | "sent" | "failed" | "unknown";
  externalId?: string;
  /** Every part's id when the reply went out as several messages. */
  externalPartIds?: string[];
  lastError?: string | null;
  attempts?: number;
  settlement?: Settlement;
}

/** Many sends' states and settlements of one tenant in one statement. */
export const MARK: BatchOp<Mark, void> = {
  name: "outbox.mark",
  async run(tx, tenantId, marks) {
    const sends = marks.filter((m) => m.id);
    const settled = marks.map((m) => m.settlement ?? {});
    const audits = auditInsert(settled.flatMap((s) => (s.audit ? [s.audit] : [])));
    const input = recordset(
      sends.map((m) => ({ id: m.id, status: m.status ?? null, external_id: m.externalId ?? null, part_ids: m.externalPartIds ?? null, last_error: m.lastError ?? null, attempts: m.attempts })),
      "m",
      "id uuid, status text, external_id text, part_ids text[], last_error text, attempts int",
    );
    const update: Part = sends.length
      ? [
          "outbox_mark",
          sql`update outbound_messages o set status = coalesce(m.status, o.status), external_id = coalesce(m.external_id, o.external_id),
            external_part_ids = coalesce(m.part_ids, o.external_part_ids),
            last_error = m.last_error, attempts = coalesce(m.attempts, o.attempts), sent_at = case when m.status = 'sent' then now() else o.sent_at end
          from ${input} where o.tenant_id = ${tenantId}::uuid and o.id = any(${uuidArray(sends.map((m) => m.id!))}) and o.id = m.id`,
        ]
      : null;
    const finished = settled.flatMap((s) => (s.finish ? [s.finish] : []));
    await rowsOf(tx, statement([update, finishPart(tenantId, finished), audits && ["outbox_audit", audits]]));
    return marks.map(() => undefined);
  },
};

/**
 * Writes many replies down in one statement, together with `alongside` (the turns they answer);
 * a key already written keeps its recorded reply, which is what goes out.
 */
export async function prepareMany(tx: Tx, tenantId: string, drafts: Draft[], alongside: Part[] = []): Promise<Prepared[]> {
  const input = recordset(
    drafts.map((d, i) => ({ i, id: newId(), channel_id: d.channelId, event_id: d.key.inboundEventId, seq: d.key.seq, chat_key: d.message.chatKey, text: d.message.text, status: d.sending ? "sending" : "pending" })),
    "d",
    "i int, id uuid, channel_id uuid, event_id uuid, seq int, chat_key text, text text, status text",
  );
  type Row = { event_id: string; seq: number; id: string; status: string; chat_key: string; text: string; earlier?: boolean };
  const written = sql`insert into outbound_messages (id, tenant_id, channel_id, inbound_event_id, seq, chat_key, text, status)
    select id, ${tenantId}::uuid, channel_id, event_id, seq, chat_key, text, status from ${input} order by i
    on conflict do nothing returning inbound_event_id as event_id, seq, id, status, chat_key, text`;
  const rows = await rowsOf<Row>(tx, statement([...alongside, ["reply_in", written]], sql`select * from reply_in`));
  const key = (eventId: string, seq: number) => `${eventId}/${seq}`;
  const found = new Map(rows.map((r) => [key(r.event_id, r.seq), r]));
  if (found.size < drafts.length) {
    const existing = await rowsOf<Row>(
      tx,
      sql`select o.inbound_event_id as event_id, o.seq, o.id, o.status, o.chat_key, o.text from ${input}
        join outbound_messages o on o.tenant_id = ${tenantId}::uuid and o.inbound_event_id = d.event_id and o.seq = d.seq`,
    );
    for (const r of existing) if (!found.has(key(r.event_id, r.seq))) found.set(key(r.event_id, r.seq), { ...r, earlier: true });
  }
  return drafts.map((d) => {
    const r = found.get(key(d.key.inboundEventId, d.key.seq))!;
    // What was recorded is what goes out: a retry after a crash re-sends it rather than new text.
    return { id: r.id, status: r.status, inDoubt: inDoubt(r.status, r.earlier === true), message: { ...d.message, chatKey: r.chat_key, text: r.text } };
  });
}

/**
 * A row written by an earlier attempt and never settled: that attempt may have reached the channel
 * (for `pending`, only on a channel that sends without marking first; Outbox.deliver tells them apart).
 */
export function inDoubt(status: string, earlier: boolean): boolean {
  return earlier && (status === "sending" || status === "pending");
}
