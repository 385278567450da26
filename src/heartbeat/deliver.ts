/**
 * A `notify` beat's message to its agent's destination (`heartbeat.notify`: a channel of the tenant
 * by name and a chat on it). Outbox rows must reference an inbound event, and a heartbeat has none:
 * the run writes one of its own (gateway/origin.ts, id = the run's id) and its message under it at
 * NOTICE_SEQ, in the transaction that records the run (or, later, the sweep's claim). The outbox
 * keeps what was written for that key, so a retry re-sends the recorded row, never a second one;
 * once the outbox has handed it over (sent, already sent, or in doubt on a channel that cannot
 * tell) `delivered_at` is set and nobody tries again. A channel not connected right now counts as
 * a failed send (the row ends `failed`, not in doubt), so the sweep's retry really sends it.
 */
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import type { ChannelAdapter } from "../channels/types.ts";
import type { Database, Tx } from "../db/database.ts";
import { channels, type HeartbeatSettings, heartbeatRuns, inboundEvents } from "../db/schema/index.ts";
import { originEvent } from "../gateway/origin.ts";
import { describeOutcome, notConnected, type Outbox, type Prepared, prepareMany } from "../gateway/outbox.ts";

/** What delivering needs from the gateway: its outbox and its live channel connections. */
export interface Reach {
  outbox: Pick<Outbox, "deliver">;
  connection(channelId: string): { adapter: Pick<ChannelAdapter, "send" | "findSent"> } | undefined;
}

export interface Notice {
  runId: string;
  agentId: string;
  channelId: string;
  prepared: Prepared;
}

/** The one outbox seq under a heartbeat run's own event. */
export const NOTICE_SEQ = 1;

/**
 * Writes the message down (inside the caller's transaction); a string says why it cannot be (no
 * destination configured, no such channel), recorded on the run — the sweep looks again later.
 */
export async function prepareNotice(tx: Tx, tenantId: string, run: { id: string; agentId: string; message: string }, notify: HeartbeatSettings["notify"]): Promise<Notice | string> {
  // A retry goes out where the first attempt was written, even if the setting changed since.
  const [event] = await tx.select({ channelId: inboundEvents.channelId }).from(inboundEvents).where(eq(inboundEvents.id, run.id));
  let channelId = event?.channelId;
  if (!channelId) {
    if (!notify) return "no notify destination configured (heartbeat.notify)";
    const [channel] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.name, notify.channel));
    if (!channel) return `no channel named '${notify.channel.slice(0, 100)}'`;
    channelId = channel.id;
    await originEvent(tx, tenantId, { id: run.id, channelId, origin: "heartbeat", ref: run.agentId });
  }
  const draft = { channelId, key: { inboundEventId: run.id, seq: NOTICE_SEQ }, message: { chatKey: notify?.chat ?? "", text: run.message } };
  const [prepared] = await prepareMany(tx, tenantId, [draft]);
  return { runId: run.id, agentId: run.agentId, channelId, prepared: prepared! };
}

/** Hands a written-down message to its channel (unless already sent); true once it is off our hands. */
export async function deliverNotice(deps: { db: Database; reach: Reach; log: Logger }, tenantId: string, n: Notice): Promise<boolean> {
  const adapter = deps.reach.connection(n.channelId)?.adapter ?? notConnected;
  const chat = n.prepared.message.chatKey;
  const outcome = await deps.reach.outbox.deliver(tenantId, n.prepared, adapter, (o) => ({
    audit: { tenantId, kind: "outbound", agentId: n.agentId, conversationId: null, summary: `heartbeat message ${describeOutcome(o)}`, data: { heartbeatRun: n.runId, chat } },
  }));
  const failed = outcome.status === "failed" ? outcome.error.slice(0, 500) : null;
  if (failed) deps.log.warn({ run: n.runId, err: failed }, "heartbeat message not delivered; the sweep retries it");
  await deps.db.withTenant(tenantId, (tx) =>
    tx
      .update(heartbeatRuns)
      .set(failed ? { deliveryError: failed } : { deliveredAt: new Date(), deliveryError: null })
      .where(eq(heartbeatRuns.id, n.runId)),
  );
  return !failed;
}
