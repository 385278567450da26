/**
 * What a person decided when closing a handoff (the resolution note) becomes a memory fact about the
 * conversation's end user, for that AI employee: the system line in the conversation (inbox.ts close)
 * covers the rest of this conversation, the fact every later one (recalled by similarity, memory.ts).
 * Written in close()'s transaction, so a handoff closed twice at once stores it at most once (and a
 * repeated text is one memory anyway). The user is the sender of the conversation's latest user
 * message (the same key fact extraction uses); a conversation without one stores nothing.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/set-sql.ts";
import type { Memory } from "../memory/memory.ts";

export type DecisionMemory = Pick<Memory, "embedding" | "rememberIn" | "embedLater">;

export const decisionFact = (note: string) => `A person of the team decided: ${note}`;

/** The end user a conversation is with: the sender id of its latest message from them, or null. */
export async function conversationUser(tx: Tx, conversationId: string): Promise<string | null> {
  const [row] = await rowsOf<{ user_key: string | null }>(
    tx,
    sql`select e.message->'sender'->>'id' as user_key from messages m
          join inbound_events e on e.tenant_id = m.tenant_id and e.id = m.inbound_event_id
        where m.conversation_id = ${conversationId}::uuid and m.role = 'user' order by m.created_at desc limit 1`,
  );
  return row?.user_key || null;
}

/** Stores the fact in the caller's transaction; `vector` from memory.embedding(), null when the model could not run. */
export async function rememberDecision(tx: Tx, memory: DecisionMemory, tenantId: string, h: { agentId: string; conversationId: string }, note: string, vector: Float32Array | null): Promise<boolean> {
  const userKey = await conversationUser(tx, h.conversationId);
  if (!userKey) return false;
  await memory.rememberIn(tx, tenantId, { agentId: h.agentId, userKey, kind: "fact", content: decisionFact(note), conversationId: h.conversationId }, vector);
  if (!vector) memory.embedLater(tenantId);
  return true;
}
