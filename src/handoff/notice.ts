/**
 * The notification of a new handoff at the tenant's escalation destination (handoff_destinations:
 * one chat on one of its channels — a Slack channel, a Telegram group): the reason, the last few
 * messages, a link to the console and a *Take it* button. It runs as a `handoff` job (jobs.ts), off
 * the chat's hot path, and is exactly once like every outbox message: its origin event id derives
 * from the handoff id, so a retried job re-sends the recorded row, never a second one. Once sent,
 * the message's id is kept on the handoff (notice_*), so a reply to it (staff.ts) finds the handoff.
 * The first notification carries a model-written summary when one can be had (summary.ts).
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import { audit } from "../agent/audit.ts";
import type { Database } from "../db/database.ts";
import { type Handoff, handoffDestinations, handoffs, inboundEvents, messages, outboundMessages } from "../db/schema/index.ts";
import { originEvent } from "../gateway/origin.ts";
import { TAKE_BUTTON } from "../gateway/handoff-port.ts";
import { describeOutcome, notConnected, prepareMany } from "../gateway/outbox.ts";
import type { Reach } from "../heartbeat/deliver.ts";
import { replyId } from "./reply.ts";
import { findHandoff } from "./store.ts";

const LAST_MESSAGES = 4;
const LINE_MAX = 300;
/** seq of the first notification and of the re-notification after a timeout, under the same origin event. */
export const NOTICE_SEQ = { first: 1, again: 2 } as const;

export const noticeEventId = (tenantId: string, handoffId: string) => replyId(tenantId, `notice:${handoffId}`);
export const consoleLink = (publicUrl: string, tenantId: string, handoffId: string) => `${publicUrl.replace(/\/+$/, "")}/admin/inbox/${handoffId}?tenant=${tenantId}`;

const clip = (s: string) => (s.length > LINE_MAX ? `${s.slice(0, LINE_MAX - 1)}…` : s).replace(/\s+/g, " ");

export type NoticeDeps = {
  db: Database;
  reach: () => Reach | null;
  publicUrl: string;
  /** The model-written summary (summary.ts); null when it cannot be had, and the last messages stand alone. */
  summarize?: (tenantId: string, h: Handoff) => Promise<string | null>;
};

/** The summary for a first notification not written yet (a retried job re-sends the written row: no second call). */
async function firstSummary(deps: NoticeDeps, tenantId: string, handoffId: string, eventId: string): Promise<string | null> {
  if (!deps.summarize) return null;
  const [h, written, destinations] = await deps.db.withTenant(tenantId, async (tx) => [
    await findHandoff(tx, handoffId),
    (await tx.select({ id: inboundEvents.id }).from(inboundEvents).where(eq(inboundEvents.id, eventId))).length > 0,
    (await tx.select({ chat: handoffDestinations.chat }).from(handoffDestinations)).length,
  ] as const);
  // No destination, no notification: a summary nobody reads must not cost a model call.
  const somewhere = destinations > 0 || Boolean(h?.noticeChat);
  return h && h.status === "waiting" && !written && somewhere ? deps.summarize(tenantId, h) : null;
}

/**
 * Sends (or re-sends, `again`) the notification. Returns what happened, for the job's log: nothing
 * to do (no destination, already taken or closed) is not an error; a failed send throws (the job retries).
 */
export async function notify(deps: NoticeDeps, tenantId: string, handoffId: string, again = false): Promise<string> {
  const eventId = noticeEventId(tenantId, handoffId);
  // Before the transaction: a model call never holds one open.
  const summary = again ? null : await firstSummary(deps, tenantId, handoffId, eventId);
  const written = await deps.db.withTenant(tenantId, async (tx) => {
    const h = await findHandoff(tx, handoffId);
    if (!h || h.status !== "waiting") return `handoff is ${h?.status ?? "gone"}`;
    if (again && h.renotifiedAt) return "already re-notified";
    // A retry goes out where the first attempt was written, even if the destination changed since.
    const [event] = await tx.select({ channelId: inboundEvents.channelId }).from(inboundEvents).where(eq(inboundEvents.id, eventId));
    const [dest] = await tx.select().from(handoffDestinations);
    const channelId = event?.channelId ?? dest?.channelId;
    const chat = h.noticeChat ?? dest?.chat;
    if (!channelId || !chat) return "no escalation destination configured";
    if (!event) await originEvent(tx, tenantId, { id: eventId, channelId, origin: "handoff", ref: h.id });
    const last = await tx.select({ role: messages.role, content: messages.content }).from(messages)
      .where(and(eq(messages.conversationId, h.conversationId), inArray(messages.role, ["user", "assistant"])))
      .orderBy(desc(messages.createdAt)).limit(LAST_MESSAGES);
    const waitedMin = Math.round((Date.now() - h.createdAt.getTime()) / 60_000);
    const text = [
      again ? `**Still waiting for a person** (${waitedMin} min): ${clip(h.reason)}` : `**A person is needed:** ${clip(h.reason)}`,
      ...(summary ? [`Summary: ${summary}`] : []),
      "Last messages:",
      ...last.reverse().map((m) => `> ${m.role === "user" ? "User" : "AI"}: ${clip(m.content)}`),
      `Open in the console: ${consoleLink(deps.publicUrl, tenantId, h.id)}`,
      "Press *Take it*, then reply to this message to answer the user.",
    ].join("\n");
    const seq = again ? NOTICE_SEQ.again : NOTICE_SEQ.first;
    const buttons = [{ id: `${TAKE_BUTTON}${h.id}`, label: "Take it", style: "primary" as const }];
    const [prepared] = await prepareMany(tx, tenantId, [{ channelId, key: { inboundEventId: eventId, seq }, message: { chatKey: chat, text, buttons } }]);
    if (again) await tx.update(handoffs).set({ renotifiedAt: new Date() }).where(eq(handoffs.id, h.id));
    return { prepared: prepared!, channelId, chat, h, seq };
  });
  if (typeof written === "string") return written;
  const { prepared, channelId, chat, h, seq } = written;
  const reach = deps.reach();
  if (!reach) throw new Error("handoff notification not sent: the gateway is not running");
  const adapter = reach.connection(channelId)?.adapter ?? notConnected;
  const outcome = await reach.outbox.deliver(tenantId, prepared, adapter, (o) => ({
    audit: { tenantId, kind: "outbound", agentId: h.agentId, conversationId: h.conversationId, actor: "handoff", summary: `handoff notification ${describeOutcome(o)}`, data: { handoff: h.id } },
  }));
  if (outcome.status === "failed") throw new Error(`handoff notification not sent: ${describeOutcome(outcome)}`);
  await deps.db.withTenant(tenantId, async (tx) => {
    const [sent] = await tx.select({ externalId: outboundMessages.externalId }).from(outboundMessages).where(and(eq(outboundMessages.inboundEventId, eventId), eq(outboundMessages.seq, seq)));
    // A reply answers the latest notification (after a re-notification, that one).
    if (sent?.externalId) await tx.update(handoffs).set({ noticeChannelId: channelId, noticeChat: chat, noticeRef: sent.externalId }).where(eq(handoffs.id, h.id));
    await audit(tx, { tenantId, kind: "handoff", agentId: h.agentId, conversationId: h.conversationId, actor: "handoff", summary: again ? "notified again" : "notified", data: { step: again ? "renotified" : "notified", handoff: h.id } });
  });
  return again ? "notified again" : "notified";
}
