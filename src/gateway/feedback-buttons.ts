/**
 * 👍/👎 under an AI employee's answers on channels with buttons (Telegram, Slack), when the channel's
 * `feedback` setting is on (off by default), and 👍/👎 reactions on its answers (Slack, always: the
 * person chose to react, nothing is added to the chat). A press or reaction is an InboundMessage with
 * `action`; it becomes a rating in src/feedback (one per person per answer, the last one counts), not a
 * turn. A button names the answer's outbox row, a reaction the channel's message id — of any part of an
 * answer split into several messages (`external_id` is the first part's, `external_part_ids` all); either counts only for an answer this channel sent into this same chat, so a forged
 * callback cannot rate another chat's or another tenant's answers (RLS).
 */
import { and, eq, or, sql } from "drizzle-orm";
import { type Button, FEEDBACK_REACTION, type InboundMessage } from "../channels/types.ts";
import type { Database } from "../db/database.ts";
import { outboundMessages } from "../db/schema/index.ts";
import { rate, unrate } from "../feedback/feedback.ts";
import type { Inbox } from "./inbox.ts";
import type { Connection } from "./pipeline.ts";

export const FEEDBACK_BUTTON = "fb:";
const PRESS = /^fb:([+-]):([0-9a-f-]{36})$/;
const REACTION = /^fbr:([+-]):(add|remove)$/;

/** ≤ 64 bytes each (Telegram's callback_data limit): "fb:+:" and a uuid. */
export function feedbackButtons(outboxId: string): Button[] {
  return [
    { id: `${FEEDBACK_BUTTON}+:${outboxId}`, label: "👍" },
    { id: `${FEEDBACK_BUTTON}-:${outboxId}`, label: "👎" },
  ];
}

export const isFeedback = (message: InboundMessage): boolean => !!message.action && (message.action.id.startsWith(FEEDBACK_BUTTON) || message.action.id.startsWith(FEEDBACK_REACTION));

/** Records the press or reaction as a rating by the channel user and finishes the event; never answers in the chat. */
export async function rateFromChannel(db: Database, inbox: Inbox, conn: Connection, eventId: string, message: InboundMessage): Promise<void> {
  const press = PRESS.exec(message.action?.id ?? "");
  const reaction = REACTION.exec(message.action?.id ?? "");
  const sign = press?.[1] ?? reaction?.[1];
  const answerId = press ? await sentHere(db, conn, message, eq(outboundMessages.id, press[2]!)) : reaction && message.action?.messageId ? await sentHere(db, conn, message, anyPart(message.action.messageId)) : null;
  if (answerId) {
    const r = { outboundId: answerId, rater: message.sender.id, rating: sign === "+" ? 1 : -1 } as const;
    if (reaction?.[2] === "remove") await unrate(db, conn.tenantId, r);
    else await rate(db, conn.tenantId, r, null);
  }
  await db.withTenant(conn.tenantId, (tx) => inbox.finish(tx, eventId, answerId ? "done" : "ignored", answerId ? undefined : "feedback on an answer not sent to this chat"));
}

/** The answer one of whose messages has this id: the first part (or only message), or any later part. */
const anyPart = (messageId: string) => or(eq(outboundMessages.externalId, messageId), sql`${messageId} = any(${outboundMessages.externalPartIds})`)!;

/**
 * The answer's outbox id if this channel sent it into this chat. A reaction knows only the channel,
 * not the thread, so its chat key also matches the threads in it (`<channel>:<thread ts>`).
 */
async function sentHere(db: Database, conn: Connection, message: InboundMessage, which: ReturnType<typeof eq>): Promise<string | null> {
  const chat = message.chatKey;
  const inChat = message.action?.id.startsWith(FEEDBACK_REACTION)
    ? or(eq(outboundMessages.chatKey, chat), sql`left(${outboundMessages.chatKey}, ${chat.length + 1}) = ${`${chat}:`}`)
    : eq(outboundMessages.chatKey, chat);
  const [row] = await db.withTenant(conn.tenantId, (tx) => tx.select({ id: outboundMessages.id }).from(outboundMessages).where(and(which, eq(outboundMessages.channelId, conn.channelId), inChat)).limit(1));
  return row?.id ?? null;
}
