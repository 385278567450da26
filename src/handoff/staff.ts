/**
 * The tenant's people acting on a handoff notification from Slack or Telegram (the `staff` side of
 * the gateway's HandoffPort). *Take it* is the same conditional UPDATE as in the console (one of
 * two presses wins; the other is told who owns it) and rewrites the notification to say who took
 * it. A reply to the notification (its Slack thread, a Telegram reply) from the owner goes to the
 * end user through replyAsHuman, keyed by the surface's event (a redelivery sends nothing twice);
 * from anyone else it is refused, out loud, and nothing is sent. The person is `<channel kind>:<id>`.
 *
 * Every message in a Slack thread is "in reply to" something, so on the embedded database a tenant
 * that has never had a handoff (no notification to answer) is remembered at store.ts's generation,
 * as chat.ts does: its thread messages cost no transaction until a handoff is opened.
 */
import { and, eq, or, sql } from "drizzle-orm";
import type { InboundMessage } from "../channels/types.ts";
import type { Database } from "../db/database.ts";
import { channels, handoffs } from "../db/schema/index.ts";
import { type StaffOutcome, TAKE_BUTTON } from "../gateway/handoff-port.ts";
import type { Reach } from "../heartbeat/deliver.ts";
import { chainOf } from "./destination.ts";
import { take } from "./inbox.ts";
import { consoleLink } from "./notice.ts";
import { REPLY_MAX, replyAsHuman } from "./reply.ts";
import { findHandoff, handoffGeneration } from "./store.ts";
import type { HandoffMeasures } from "./types.ts";

export const STAFF_TEXT = {
  taken: (name: string) => `${name} took it. Reply to this message to answer the user.`,
  owned: (owner: string) => `${owner} already owns this conversation; nothing was sent.`,
  takeFirst: "Press *Take it* first; nothing was sent.",
  closed: "This conversation is no longer with a person; nothing was sent.",
  tooLong: `A reply can be at most ${REPLY_MAX} characters; nothing was sent.`,
  failed: "The user's channel refused the reply; it is marked failed in the console.",
  gone: "This handoff no longer exists.",
};

type Chat = { channelId: string; chatKey: string };

export function createStaff(deps: { db: Database; reach: () => Reach | null; publicUrl: string; measures?: HandoffMeasures }) {
  const oneProcess = deps.db.driver.mode === "embedded";
  /** tenant → the generation at which it had no handoff at all (bounded by the number of tenants). */
  const noHandoffs = new Map<string, number>();
  const personOf = async (tenantId: string, chat: Chat, m: InboundMessage) => {
    const [c] = await deps.db.withTenant(tenantId, (tx) => tx.select({ kind: channels.kind }).from(channels).where(eq(channels.id, chat.channelId)));
    return { owner: `${c?.kind ?? "chat"}:${m.sender.id}`.slice(0, 200), name: (m.sender.name || m.sender.id).slice(0, 80) };
  };

  async function press(tenantId: string, chat: Chat, m: InboundMessage, id: string): Promise<StaffOutcome> {
    const who = await personOf(tenantId, chat, m);
    const [h, chain] = await deps.db.withTenant(tenantId, async (tx) => [await findHandoff(tx, id), await chainOf(tx)] as const);
    // Only a channel its notifications went to may take it (a button id typed elsewhere names nothing):
    // the latest one's, or any step of the chain (an earlier step's notification is still pressable).
    if (!h || (h.noticeChannelId && h.noticeChannelId !== chat.channelId && !chain.some((d) => d.channelId === chat.channelId))) return { answer: STAFF_TEXT.gone };
    const r = await take(deps.db, tenantId, id, who.owner);
    if (!r) return { answer: STAFF_TEXT.gone };
    // Pressed twice by the owner (or redelivered after a crash): they own it, nothing to refuse.
    const mine = !r.taken && r.status === "taken" && r.owner === who.owner;
    if (!r.taken && !mine) return { answer: r.status === "taken" ? STAFF_TEXT.owned(r.owner ?? "someone") : STAFF_TEXT.closed };
    // The owner answers by replying to the notification they took it from, whichever step it was.
    if (r.taken && m.action?.messageId) {
      const notice = { noticeChannelId: chat.channelId, noticeChat: chat.chatKey, noticeRef: m.action.messageId };
      await deps.db.withTenant(tenantId, (tx) => tx.update(handoffs).set(notice).where(eq(handoffs.id, id)));
    }
    const text = `**${who.name} took it:** ${h.reason}\n${STAFF_TEXT.taken(who.name)}\nOpen in the console: ${consoleLink(deps.publicUrl, tenantId, id)}`;
    return m.action?.messageId ? { edit: { messageId: m.action.messageId, text } } : { answer: STAFF_TEXT.taken(who.name) };
  }

  async function reply(tenantId: string, chat: Chat, m: InboundMessage): Promise<StaffOutcome | null> {
    const ref = m.inReplyTo!;
    const generation = handoffGeneration();
    if (oneProcess && noHandoffs.get(tenantId) === generation) return null;
    const h = await deps.db.withTenant(tenantId, async (tx) => {
      const [h] = await tx.select().from(handoffs).where(and(
        eq(handoffs.noticeChannelId, chat.channelId), eq(handoffs.noticeRef, ref),
        // Telegram: the same chat; Slack: the notification's thread in that channel.
        or(eq(handoffs.noticeChat, chat.chatKey), eq(sql`${handoffs.noticeChat} || ':' || ${handoffs.noticeRef}`, chat.chatKey)),
      ));
      if (!h && oneProcess && !(await tx.select({ id: handoffs.id }).from(handoffs).limit(1)).length) noHandoffs.set(tenantId, generation);
      return h;
    });
    if (!h) return null;
    if (h.status === "waiting") return { answer: STAFF_TEXT.takeFirst };
    if (h.status !== "taken") return { answer: STAFF_TEXT.closed };
    const who = await personOf(tenantId, chat, m);
    if (h.owner !== who.owner) return { answer: STAFF_TEXT.owned(h.owner ?? "someone") };
    const text = m.text.trim();
    if (!text) return {};
    if (text.length > REPLY_MAX) return { answer: STAFF_TEXT.tooLong };
    const reach = deps.reach();
    if (!reach) throw new Error("the gateway is not running");
    const sent = await replyAsHuman({ db: deps.db, reach, measures: deps.measures }, tenantId, { handoffId: h.id, owner: who.owner, name: who.name, key: `${chat.channelId}:${m.eventKey}`, text });
    return sent === "sent" ? {} : { answer: sent === "failed" ? STAFF_TEXT.failed : STAFF_TEXT.owned(h.owner ?? "someone") };
  }

  return async (tenantId: string, chat: Chat, m: InboundMessage): Promise<StaffOutcome | null> => {
    const id = m.action?.id.startsWith(TAKE_BUTTON) ? m.action.id.slice(TAKE_BUTTON.length) : null;
    if (id) return /^[0-9a-f-]{36}$/.test(id) ? press(tenantId, chat, m, id) : { answer: STAFF_TEXT.gone };
    return m.inReplyTo ? reply(tenantId, chat, m) : null;
  };
}
