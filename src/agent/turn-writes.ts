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

type Row = { i: number; conversation_id: string; inserted: boolean; role: string | null; content: string | null; tokens: number | null };

/**
 * One statement: opens (or finds) each turn's conversation, stores its user turn, and reads the
 * newest page of the conversation as it was before (the statement's snapshot), to which the new
 * user turn is added here. Turns must be of distinct chats. Returns, in input order, the
 * conversation and the window that fits `budget`.
 */
export async function openTurns(tx: Tx, tenantId: string, turns: (UserTurn & { budget: number })[]): Promise<{ conversationId: string; history: ChatMessage[] }[]> {
  const input = recordset(
    turns.map((t, i) => ({ i, conversation_id: newId(), message_id: newId(), agent_id: t.agentId, channel_id: t.channelId, chat_key: t.chatKey, event_id: t.inboundEventId, content: t.content, tokens: estimateTokens(t.content), recovering: t.recovering, page: Math.min(MAX_PAGE, Math.max(1, t.page ?? PAGE)) })),
    "x",
    "i int, conversation_id uuid, message_id uuid, agent_id uuid, channel_id uuid, chat_key text, event_id uuid, content text, tokens int, recovering boolean, page int",
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
        returning id, channel_id, chat_key
      ),
      turn as (
        insert into messages (id, tenant_id, conversation_id, role, content, tokens, inbound_event_id, created_at)
        select input.message_id, ${tenantId}::uuid, conv.id, 'user', input.content, input.tokens, input.event_id, clock_timestamp()
        from input join conv using (channel_id, chat_key)
        where not (input.recovering and exists (
          select 1 from messages m where m.tenant_id = ${tenantId}::uuid and m.conversation_id = conv.id and m.inbound_event_id = input.event_id))
        order by input.i
        returning inbound_event_id
      )
      select input.i, conv.id as conversation_id, exists (select 1 from turn where turn.inbound_event_id = input.event_id) as inserted,
        m.role, m.content, m.tokens
      from input join conv using (channel_id, chat_key)
      left join lateral (
        select role, content, tokens, created_at, id from messages
        where tenant_id = ${tenantId}::uuid and conversation_id = conv.id
        order by created_at desc, id desc limit input.page
      ) m on true
      order by input.i, m.created_at desc, m.id desc`,
  );
  const byTurn = turns.map(() => ({ conversationId: "", inserted: false, page: [] as { role: string; content: string; tokens: number }[] }));
  for (const r of rows) {
    const t = byTurn[r.i]!;
    t.conversationId = r.conversation_id;
    t.inserted = r.inserted;
    if (r.role !== null) t.page.push({ role: r.role, content: r.content!, tokens: r.tokens! });
  }
  const out: { conversationId: string; history: ChatMessage[] }[] = [];
  for (const [i, t] of byTurn.entries()) {
    if (!t.conversationId) throw new Error("conversation not opened");
    const turn = turns[i]!;
    const page = Math.min(MAX_PAGE, Math.max(1, turn.page ?? PAGE));
    const newest = t.inserted ? [{ role: "user", content: turn.content, tokens: estimateTokens(turn.content) }, ...t.page] : t.page;
    const window = fit(newest, turn.budget);
    // A full page that fit entirely may have older turns that fit too: walk on (rare; sees the new turn).
    out.push({ conversationId: t.conversationId, history: t.page.length === page && window.length === newest.length ? await recentWindow(tx, t.conversationId, turn.budget, 2 * page) : window });
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
