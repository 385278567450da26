/**
 * 👍/👎 under an AI employee's answers on channels with buttons (Telegram, Slack), when the channel's
 * `feedback` setting is on (off by default). A press is an InboundMessage with `action`; it becomes a
 * rating in src/feedback (one per person per answer, pressing again replaces it), not a turn. The
 * button names the answer's outbox row; a press counts only for an answer this channel sent into this
 * same chat, so a forged callback cannot rate another chat's or another tenant's answers (RLS).
 */
import { and, eq } from "drizzle-orm";
import type { Button, InboundMessage } from "../channels/types.ts";
import type { Database } from "../db/database.ts";
import { outboundMessages } from "../db/schema/index.ts";
import { rate } from "../feedback/feedback.ts";
import type { Inbox } from "./inbox.ts";
import type { Connection } from "./pipeline.ts";

export const FEEDBACK_BUTTON = "fb:";
const PRESS = /^fb:([+-]):([0-9a-f-]{36})$/;

/** ≤ 64 bytes each (Telegram's callback_data limit): "fb:+:" and a uuid. */
export function feedbackButtons(outboxId: string): Button[] {
  return [
    { id: `${FEEDBACK_BUTTON}+:${outboxId}`, label: "👍" },
    { id: `${FEEDBACK_BUTTON}-:${outboxId}`, label: "👎" },
  ];
}

/** Records the press as a rating by the channel user and finishes the event; never answers in the chat. */
export async function rateFromChannel(db: Database, inbox: Inbox, conn: Connection, eventId: string, message: InboundMessage): Promise<void> {
  const m = PRESS.exec(message.action?.id ?? "");
  const outboxId = m?.[2];
  const sent = outboxId
    ? await db.withTenant(conn.tenantId, (tx) =>
        tx.select({ id: outboundMessages.id }).from(outboundMessages).where(and(eq(outboundMessages.id, outboxId), eq(outboundMessages.channelId, conn.channelId), eq(outboundMessages.chatKey, message.chatKey))),
      )
    : [];
  if (sent.length) await rate(db, conn.tenantId, { outboundId: outboxId!, rater: message.sender.id, rating: m![1] === "+" ? 1 : -1 }, null);
  await db.withTenant(conn.tenantId, (tx) => inbox.finish(tx, eventId, sent.length ? "done" : "ignored", sent.length ? undefined : "feedback on an answer not sent to this chat"));
}
