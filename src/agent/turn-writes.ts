/**
 * Turns written set-based: a batch of turns of one tenant costs the same few statements as one.
 *
 * Invariants:
 * - A user turn is stored once per inbound event: a recovered event finds the one stored before
 *   the crash (checked only when recovering; a live event cannot have one yet).
 * - Messages are stamped with clock_timestamp(), not now(): turns written in one transaction must
 *   still order correctly.
 * - The window a turn sees ends with its own user turn and holds the newest turns that fit its
 *   budget; a turn that does not fit ends the window (as recentWindow).
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { newId, type Part, recordset, rowsOf, uuidArray } from "../db/set-sql.ts";
import type { ChatMessage } from "../llm/types.ts";
import { fit, PAGE, recentWindow } from "./conversations.ts";
import type { CachedWindow, WindowRow } from "./window-cache.ts";
import { estimateTokens } from "./tokens.ts";

export interface UserTurn {
  agentId: string;
  channelId: string;
  chatKey: string;
  inboundEventId: string;
  content: string;
  /** A recovered event may have stored its user turn before the crash; a live one cannot have. */
  recovering: boolean;
  /**
   * Rows of the conversation to read in the opening statement (default PAGE): the caller's guess
   * from the chat's last window, so a long window is read in one statement. Only a hint — a page too
   * small is read on, one too big is cut to the budget — so the window never depends on it.
   */
  page?: number;
}

/** The largest opening page a hint may ask for (a longer window is read on in pages). */
export const MAX_PAGE = 1000;

type Row = { i: number; conversation_id: string; inserted: boolean; epoch: string; delta: boolean; role: string | null; content: string | null; tokens: number | null; at: string | null; id: string | null };

export interface OpenedTurn {
  conversationId: string;
  history: ChatMessage[];
  /** What to keep for the chat's next turn (window-cache.ts), when the caller keeps windows. */
  window?: CachedWindow;
}

/**
 * One statement: opens (or finds) each turn's conversation, stores its user turn, and reads the
 * newest page of the conversation as it was before (the statement's snapshot), to which the new
 * user turn is added here. Turns must be of distinct chats. Returns, in input order, the
 * conversation and the window that fits `budget`. A turn given its chat's `cached` window reads only
 * the turns stored after it, when its conversation and epoch are still the cached ones.
 */
export async function openTurns(tx: Tx, tenantId: string, turns: (UserTurn & { budget: number; cached?: CachedWindow })[]): Promise<OpenedTurn[]> {
  const pageOf = (t: UserTurn) => Math.min(MAX_PAGE, Math.max(1, t.page ?? PAGE));
  const input = recordset(
    turns.map((t, i) => {
      const newest = t.cached?.rows[0];
      return { i, conversation_id: newId(), message_id: newId(), agent_id: t.agentId, channel_id: t.channelId, chat_key: t.chatKey, event_id: t.inboundEventId, content: t.content, tokens: estimateTokens(t.content), recovering: t.recovering, page: pageOf(t), cached_conv: newest ? t.cached!.conversationId : null, cached_epoch: newest ? t.cached!.epoch : null, after_at: newest?.at ?? null, after_id: newest?.id ?? null };
    }),
    "x",
    "i int, conversation_id uuid, message_id uuid, agent_id uuid, channel_id uuid, chat_key text, event_id uuid, content text, tokens int, recovering boolean, page int, cached_conv uuid, cached_epoch bigint, after_at timestamptz, after_id uuid",
  );
  const rows = await rowsOf<Row>(
    tx,
    sql`with input as (select * from ${input}),
      conv as (
        insert into conversations (id, tenant_id, agent_id, channel_id, chat_key)
        select conversation_id, ${tenantId}::uuid, agent_id, channel_id, chat_key from input order by channel_id, chat_key
        on conflict (tenant_id, channel_id, chat_key) where closed_at is null
          -- A no-op update, only so RETURNING yields the existing row; it changes no indexed column, so
          -- it is a cheap HOT update. last_message_at moves when the reply is written (assistantParts).
          do update set agent_id = conversations.agent_id
        returning id, channel_id, chat_key, history_epoch
      ),
      turn as (
        insert into messages (id, tenant_id, conversation_id, role, content, tokens, inbound_event_id, created_at)
        select input.message_id, ${tenantId}::uuid, conv.id, 'user', input.content, input.tokens, input.event_id, clock_timestamp()
        from input join conv using (channel_id, chat_key)
        where not (input.recovering and exists (
          select 1 from messages m where m.tenant_id = ${tenantId}::uuid and m.conversation_id = conv.id and m.inbound_event_id = input.event_id))
        order by input.i
        returning inbound_event_id
      ),
      opened as (
        select input.i, input.event_id, input.page, input.after_at, input.after_id, conv.id, conv.history_epoch,
          -- IS TRUE, not coalesce(): under RLS a qual holding coalesce() counts as leaky and is kept
          -- out of the index scan, which then walked the whole conversation through a filter.
          (input.cached_conv = conv.id and input.cached_epoch = conv.history_epoch) is true as delta
        from input join conv using (channel_id, chat_key)
      )
      select o.i, o.id as conversation_id, exists (select 1 from turn where turn.inbound_event_id = o.event_id) as inserted,
        o.history_epoch::text as epoch, o.delta, m.role, m.content, m.tokens, m.created_at::text as at, m.id
      from opened o
      left join lateral (
        -- Cached: only the turns after the cursor (a range of the index, not a filtered walk of it).
        select role, content, tokens, created_at, id from messages
        where tenant_id = ${tenantId}::uuid and conversation_id = o.id
          and created_at >= case when o.delta then o.after_at else '-infinity'::timestamptz end
          and (not o.delta or (created_at, id) > (o.after_at, o.after_id))
        order by created_at desc, id desc limit o.page
      ) m on true
      order by o.i, m.created_at desc, m.id desc`,
  );
  const byTurn = turns.map(() => ({ conversationId: "", epoch: 0, delta: false, inserted: false, page: [] as WindowRow[] }));
  for (const r of rows) {
    const t = byTurn[r.i]!;
    Object.assign(t, { conversationId: r.conversation_id, epoch: Number(r.epoch), delta: r.delta, inserted: r.inserted });
    if (r.role !== null) t.page.push({ id: r.id!, at: r.at!, role: r.role, content: r.content!, tokens: r.tokens! });
  }
  const out: OpenedTurn[] = [];
  for (const [i, t] of byTurn.entries()) {
    if (!t.conversationId) throw new Error("conversation not opened");
    const turn = turns[i]!;
    const page = pageOf(turn);
    // A full page of new turns may not join up with the cached ones: then it is read as if uncached.
    const joined = t.delta && t.page.length < page;
    const known = joined ? [...t.page, ...turn.cached!.rows] : t.page;
    const complete = joined ? turn.cached!.complete : t.page.length < page;
    const own = t.inserted ? [{ role: "user", content: turn.content, tokens: estimateTokens(turn.content) }] : [];
    const window = fit([...own, ...known], turn.budget);
    if (window.length === own.length + known.length && !complete) {
      // Every known turn fit and older ones may fit too: walk on (rare; sees the new turn).
      out.push({ conversationId: t.conversationId, history: await recentWindow(tx, t.conversationId, turn.budget, 2 * page) });
      continue;
    }
    const kept = known.slice(0, Math.max(0, window.length - own.length));
    out.push({ conversationId: t.conversationId, history: window, window: { conversationId: t.conversationId, epoch: t.epoch, rows: kept, complete: complete && kept.length === known.length } });
  }
  return out;
}

/** The assistant turns of a batch as statement parts: the messages, and the conversations touched. */
export function assistantParts(tenantId: string, turns: { conversationId: string; inboundEventId: string; content: string }[]): Part[] {
  if (!turns.length) return [];
  const input = recordset(
    turns.map((t) => ({ id: newId(), conversation_id: t.conversationId, event_id: t.inboundEventId, content: t.content, tokens: estimateTokens(t.content) })),
    "x",
    "id uuid, conversation_id uuid, event_id uuid, content text, tokens int",
  );
  return [
    [
      "assistant_in",
      sql`insert into messages (id, tenant_id, conversation_id, role, content, tokens, inbound_event_id, created_at)
        select id, ${tenantId}::uuid, conversation_id, 'assistant', content, tokens, event_id, clock_timestamp() from ${input}`,
    ],
    [
      "conversation_touch",
      sql`update conversations set last_message_at = now()
        where tenant_id = ${tenantId}::uuid and id = any(${uuidArray(turns.map((t) => t.conversationId))})`,
    ],
  ];
}
