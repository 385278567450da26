/**
 * The notifications of a handoff at the tenant's escalation chain (handoff_destinations: chats on
 * its channels — a Slack channel, a Telegram group): the reason, the model's summary, the last few
 * messages, a *Take it* button and an *Open in console* link button. They run as `handoff` jobs
 * (jobs.ts), off the chat's hot path, and are exactly once like every outbox message: each step's
 * origin event id derives from the handoff id and the chain step (`level`), its seq from first /
 * again, so a retried job re-sends the recorded row, never a second one. Once sent, the message's id
 * is kept on the handoff (notice_*, notice_level), so a reply to it (staff.ts) finds the handoff.
 * The summary is asked of the model once, by the first notification, and stored on the handoff
 * (handoffs.summary): every later notification carries it without another call.
 */
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { audit } from "../agent/audit.ts";
import type { Database } from "../db/database.ts";
import { type Handoff, handoffs, inboundEvents, messages, outboundMessages } from "../db/schema/index.ts";
import { originEvent } from "../gateway/origin.ts";
import { TAKE_BUTTON } from "../gateway/handoff-port.ts";
import { describeOutcome, notConnected, prepareMany } from "../gateway/outbox.ts";
import type { Reach } from "../heartbeat/deliver.ts";
import { chainOf } from "./destination.ts";
import { replyId } from "./reply.ts";
import { findHandoff } from "./store.ts";
import { SUMMARY_MAX } from "./summary.ts";

const LAST_MESSAGES = 4;
const LINE_MAX = 300;
/** seq of a step's notification and of its re-announcement (the last step's timeout), under the step's origin event. */
export const NOTICE_SEQ = { first: 1, again: 2 } as const;
/** The *Open in console* button's id (a link: Slack ignores its press, Telegram never reports it). */
export const OPEN_BUTTON = "khopen:";

/** Step 0 keeps the id it always had, so notifications written before the chain still match. */
export const noticeEventId = (tenantId: string, handoffId: string, level = 0) => replyId(tenantId, level === 0 ? `notice:${handoffId}` : `notice:${handoffId}:${level}`);
export const consoleLink = (publicUrl: string, tenantId: string, handoffId: string) => `${publicUrl.replace(/\/+$/, "")}/admin/inbox/${handoffId}?tenant=${tenantId}`;

const clip = (s: string) => (s.length > LINE_MAX ? `${s.slice(0, LINE_MAX - 1)}…` : s).replace(/\s+/g, " ");

export type NoticeDeps = {
  db: Database;
  reach: () => Reach | null;
  publicUrl: string;
  /** The model-written summary (summary.ts); null when it cannot be had, and the last messages stand alone. */
  summarize?: (tenantId: string, h: Handoff) => Promise<string | null>;
};

/** Which notification: the chain step, and whether it is that step announced again (the last step's timeout). */
export type NoticeStep = { level: number; again: boolean };

/**
 * Asks the model once, before the first notification is written (a retried job finds it written, or
 * the summary stored, and asks nothing again), and stores what it said on the handoff.
 */
async function storeSummary(deps: NoticeDeps, tenantId: string, handoffId: string): Promise<void> {
  if (!deps.summarize) return;
  const [h, written, chain] = await deps.db.withTenant(tenantId, async (tx) => [
    await findHandoff(tx, handoffId),
    (await tx.select({ id: inboundEvents.id }).from(inboundEvents).where(eq(inboundEvents.id, noticeEventId(tenantId, handoffId)))).length > 0,
    (await chainOf(tx)).length,
  ] as const);
  // No destination, no notification: a summary nobody reads must not cost a model call.
  if (!h || h.status !== "waiting" || h.summary !== null || written || (chain === 0 && !h.noticeChat)) return;
  const summary = (await deps.summarize(tenantId, h))?.slice(0, SUMMARY_MAX);
  if (summary) await deps.db.withTenant(tenantId, (tx) => tx.update(handoffs).set({ summary }).where(and(eq(handoffs.id, handoffId), isNull(handoffs.summary))));
}

function noticeText(h: Handoff, step: NoticeStep, last: { role: string; content: string }[], link: string): string {
  const waitedMin = Math.round((Date.now() - h.createdAt.getTime()) / 60_000);
  const head = step.again
    ? `**Still waiting for a person** (${waitedMin} min): ${clip(h.reason)}`
    : step.level > 0
      ? `**A person is needed — nobody took it yet** (${waitedMin} min, escalation step ${step.level + 1}): ${clip(h.reason)}`
      : `**A person is needed:** ${clip(h.reason)}`;
  return [
    head,
    ...(h.summary ? [`Summary: ${h.summary}`] : []),
    "Last messages:",
    ...last.map((m) => `> ${m.role === "user" ? "User" : "AI"}: ${clip(m.content)}`),
    `Open in the console: ${link}`,
    "Press *Take it*, then reply to this message to answer the user.",
  ].join("\n");
}

/**
 * Sends (or re-sends) one notification. Returns what happened, for the job's log: nothing to do (no
 * destination at that step, already taken or closed) is not an error; a failed send throws (the job retries).
 */
export async function notify(deps: NoticeDeps, tenantId: string, handoffId: string, step: NoticeStep = { level: 0, again: false }): Promise<string> {
  // Before the transaction: a model call never holds one open.
  if (step.level === 0 && !step.again) await storeSummary(deps, tenantId, handoffId);
  const eventId = noticeEventId(tenantId, handoffId, step.level);
  const written = await deps.db.withTenant(tenantId, async (tx) => {
    const h = await findHandoff(tx, handoffId);
    if (!h || h.status !== "waiting") return `handoff is ${h?.status ?? "gone"}`;
    // A retry goes out where the first attempt was written, even if the chain changed since.
    const [event] = await tx.select({ channelId: inboundEvents.channelId }).from(inboundEvents).where(eq(inboundEvents.id, eventId));
    const dest = (await chainOf(tx))[step.level];
    const channelId = event?.channelId ?? dest?.channelId;
    const chat = (h.noticeLevel === step.level ? h.noticeChat : null) ?? dest?.chat;
    if (!channelId || !chat) return step.level === 0 ? "no escalation destination configured" : `no escalation destination at step ${step.level + 1}`;
    if (!event) await originEvent(tx, tenantId, { id: eventId, channelId, origin: "handoff", ref: h.id });
    const last = await tx.select({ role: messages.role, content: messages.content }).from(messages)
      .where(and(eq(messages.conversationId, h.conversationId), inArray(messages.role, ["user", "assistant"])))
      .orderBy(desc(messages.createdAt)).limit(LAST_MESSAGES);
    const link = consoleLink(deps.publicUrl, tenantId, h.id);
    const seq = step.again ? NOTICE_SEQ.again : NOTICE_SEQ.first;
    const buttons = [
      { id: `${TAKE_BUTTON}${h.id}`, label: "Take it", style: "primary" as const },
      // Only a public https address: Telegram refuses link buttons to local ones, and the text has the link anyway.
      ...(deps.publicUrl.startsWith("https://") ? [{ id: `${OPEN_BUTTON}${h.id}`, label: "Open in console", url: link }] : []),
    ];
    const [prepared] = await prepareMany(tx, tenantId, [{ channelId, key: { inboundEventId: eventId, seq }, message: { chatKey: chat, text: noticeText(h, step, last.reverse(), link), buttons } }]);
    if (step.level > 0 || step.again) await tx.update(handoffs).set({ renotifiedAt: new Date() }).where(and(eq(handoffs.id, h.id), isNull(handoffs.renotifiedAt)));
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
  const what = step.again ? "renotified" : step.level > 0 ? "next_destination" : "notified";
  await deps.db.withTenant(tenantId, async (tx) => {
    const [sent] = await tx.select({ externalId: outboundMessages.externalId }).from(outboundMessages).where(and(eq(outboundMessages.inboundEventId, eventId), eq(outboundMessages.seq, seq)));
    // A reply answers the latest notification (after a re-notification or the next step, that one).
    if (sent?.externalId) await tx.update(handoffs).set({ noticeChannelId: channelId, noticeChat: chat, noticeRef: sent.externalId, noticeLevel: step.level }).where(eq(handoffs.id, h.id));
    // A retry that found it sent already adds no second entry.
    if (outcome.status !== "already_sent") {
      const summary = what === "notified" ? "notified" : what === "renotified" ? "notified again" : `notified the next destination (step ${step.level + 1})`;
      await audit(tx, { tenantId, kind: "handoff", agentId: h.agentId, conversationId: h.conversationId, actor: "handoff", summary, data: { step: what, handoff: h.id, level: step.level } });
    }
  });
  return step.again ? "notified again" : step.level > 0 ? "notified next" : "notified";
}
