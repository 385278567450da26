/**
 * Conversations and their messages, always inside a tenant transaction. One open conversation per
 * (channel, chat); `/new` closes it so the next message starts a fresh one. Turns are written
 * set-based (turn-writes.ts); this is closing and the sliding window the model sees.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { conversations, messages } from "../db/schema/index.ts";
import type { ChatMessage } from "../llm/types.ts";

/** Closes the chat's open conversation; its id, or null when none was open. */
export async function closeConversation(tx: Tx, channelId: string, chatKey: string): Promise<string | null> {
  const closed = await tx
    .update(conversations)
    .set({ closedAt: sql`now()` })
    .where(and(eq(conversations.channelId, channelId), eq(conversations.chatKey, chatKey), isNull(conversations.closedAt)))
    .returning({ id: conversations.id });
  return closed[0]?.id ?? null;
}

/** Turns read per statement when walking a window back from the newest. */
export const PAGE = 50;

/** Newest-first rows → the turns that fit in `budget`, oldest first; a turn that does not fit ends it. */
export function fit(rows: { role: string; content: string; tokens: number }[], budget: number): ChatMessage[] {
  const out: ChatMessage[] = [];
  let used = 0;
  for (const r of rows) {
    if (used + r.tokens > budget) break;
    used += r.tokens;
    out.push({ role: r.role as ChatMessage["role"], content: r.content, tokens: r.tokens });
  }
  return out.reverse();
}

/**
 * The newest turns that fit in `budget` tokens, oldest first, read newest-first in pages (a turn
 * that does not fit ends the window). Pages start at `first` rows and double, so a long window
 * costs a few statements and reads at most about twice its rows (an offset re-scans what it skips).
 */
export async function recentWindow(tx: Tx, conversationId: string, budget: number, first = PAGE): Promise<ChatMessage[]> {
  const out: ChatMessage[] = [];
  let used = 0;
  for (let offset = 0, size = first; ; offset += size, size *= 2) {
    const rows = await tx
      .select({ role: messages.role, content: messages.content, tokens: messages.tokens })
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(size)
      .offset(offset);
    for (const r of rows) {
      if (used + r.tokens > budget) return out.reverse();
      used += r.tokens;
      out.push({ role: r.role as ChatMessage["role"], content: r.content, tokens: r.tokens });
    }
    if (rows.length < size) return out.reverse();
  }
}
