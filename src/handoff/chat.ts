/**
 * The gateway's side of a handoff (the HandoffPort of gateway/handoff-port.ts). `hold` and `human`
 * each run in one tenant transaction: a message held for the person is written to the conversation
 * in the same transaction that found the open handoff, so a message is either held or answered by
 * the AI, never both and never lost.
 *
 * On the embedded database (one process) `hold` remembers per tenant that no handoff was open, at
 * the generation of store.ts that it read under: every message of a tenant without handoffs then
 * costs no transaction. Any open or close bumps the generation, so the next message reads again.
 * On an external database another replica may open a handoff, so every message reads.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { estimateTokens } from "../agent/tokens.ts";
import type { Database, Tx } from "../db/database.ts";
import { conversations, type Handoff, handoffs, messages } from "../db/schema/index.ts";
import type { HandoffPort } from "../gateway/handoff-port.ts";
import { waitWithin } from "./hours.ts";
import { hoursOf } from "./hours-store.ts";
import { handoffGeneration, insertHandoff } from "./store.ts";
import { USER_TEXT, userLanguage } from "./user-text.ts";

/** `/human`'s answers in English (a user whose language is not clear from what they wrote gets these). */
export const HUMAN_TEXT = { escalated: USER_TEXT.en.escalated, already: USER_TEXT.en.already };

type Chat = { channelId: string; chatKey: string };

async function openConversation(tx: Tx, chat: Chat) {
  const [row] = await tx.select({ id: conversations.id, agentId: conversations.agentId }).from(conversations)
    .where(and(eq(conversations.channelId, chat.channelId), eq(conversations.chatKey, chat.chatKey), isNull(conversations.closedAt)));
  return row;
}

export function createHandoffChat(deps: { db: Database; escalated?: (h: Handoff) => void; opened?: (h: Handoff) => void }): HandoffPort {
  const oneProcess = deps.db.driver.mode === "embedded";
  /** tenant → whether it had an open handoff, at which generation (bounded by the number of tenants). */
  const seen = new Map<string, { generation: number; none: boolean }>();
  return {
    async hold(tenantId, chat, eventId, content) {
      const generation = handoffGeneration();
      const known = oneProcess ? seen.get(tenantId) : undefined;
      if (known?.generation === generation && known.none) return false;
      return deps.db.withTenant(tenantId, async (tx) => {
        if (oneProcess && known?.generation !== generation) {
          const [any] = await tx.select({ id: handoffs.id }).from(handoffs).where(inArray(handoffs.status, ["waiting", "taken"])).limit(1);
          seen.set(tenantId, { generation, none: !any });
          if (!any) return false;
        }
        const [held] = await tx
          .select({ conversationId: handoffs.conversationId })
          .from(handoffs)
          .innerJoin(conversations, and(eq(conversations.tenantId, handoffs.tenantId), eq(conversations.id, handoffs.conversationId)))
          .where(and(eq(conversations.channelId, chat.channelId), eq(conversations.chatKey, chat.chatKey), isNull(conversations.closedAt), inArray(handoffs.status, ["waiting", "taken"])));
        if (!held) return false;
        await tx.insert(messages).values({ tenantId, conversationId: held.conversationId, role: "user", content, tokens: estimateTokens(content), inboundEventId: eventId });
        await tx.update(conversations).set({ lastMessageAt: sql`now()` }).where(eq(conversations.id, held.conversationId));
        return true;
      });
    },
    async human(tenantId, agentId, chat, user) {
      const { created, handoff, lang, within } = await deps.db.withTenant(tenantId, async (tx) => {
        await tx.insert(conversations).values({ tenantId, agentId, channelId: chat.channelId, chatKey: chat.chatKey })
          .onConflictDoNothing({ target: [conversations.tenantId, conversations.channelId, conversations.chatKey], where: sql`closed_at is null` });
        const conv = (await openConversation(tx, chat))!;
        const opened = await insertHandoff(tx, { tenantId, agentId: conv.agentId, conversationId: conv.id, reason: `${user} asked for a person (/human)`, rule: "human_command", source: "command" });
        const hours = await hoursOf(tx);
        return { ...opened, lang: await userLanguage(tx, conv.id, hours?.language), within: waitWithin(hours, opened.handoff.createdAt) };
      });
      if (created) deps.escalated?.(handoff);
      if (created) deps.opened?.(handoff);
      // Within business hours with an expected wait set, the answer says it (the wait job then says nothing more).
      if (!created) return USER_TEXT[lang].already;
      return within ? USER_TEXT[lang].escalatedWait(within) : USER_TEXT[lang].escalated;
    },
  };
}
