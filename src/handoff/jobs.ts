/**
 * The `handoff` job queue (src/jobs, pg-boss): `notify` sends a new handoff's notification to the
 * tenant's escalation destination (notice.ts) and, when the destination sets a timeout, queues a
 * `timeout` job due then; `timeout` finds the handoff still waiting (nobody took it), notifies again
 * and tells the user honestly that it is taking longer. Both are `stately` per handoff and step, and
 * both are exactly once by their own rows: the outbox key under the handoff's origin event, and
 * `renotified_at`, set in the transaction that writes the re-notification.
 */
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import { estimateTokens } from "../agent/tokens.ts";
import { conversations, type Handoff, handoffDestinations, inboundEvents, messages } from "../db/schema/index.ts";
import { originEvent } from "../gateway/origin.ts";
import { describeOutcome, notConnected, prepareMany } from "../gateway/outbox.ts";
import type { JobEngine } from "../jobs/engine.ts";
import { type NoticeDeps, notify } from "./notice.ts";
import { replyId } from "./reply.ts";
import { findHandoff } from "./store.ts";

export const HANDOFF_QUEUE = "handoff";
export const TIMEOUT_TEXT = "Sorry for the wait: nobody has been able to pick this up yet. I've reminded the team; a person will answer here as soon as they can.";

type Job = { tenantId: string; handoffId: string; step: "notify" | "timeout" };

export function defineHandoffJobs(engine: Pick<JobEngine, "define" | "send">, deps: NoticeDeps, log: Logger) {
  const send = (job: Job, startAfter?: number) =>
    engine.send(HANDOFF_QUEUE, job, { singletonKey: `${job.step}:${job.handoffId}`, ...(startAfter ? { startAfter } : {}) });

  engine.define<Job>(HANDOFF_QUEUE, {
    policy: "stately",
    retryLimit: 5,
    retryDelay: 5,
    handler: async (job) => {
      if (job.step === "notify") {
        const done = await notify(deps, job.tenantId, job.handoffId);
        log.debug({ handoff: job.handoffId, done }, "handoff notification");
        const [dest] = await deps.db.withTenant(job.tenantId, (tx) => tx.select({ minutes: handoffDestinations.timeoutMinutes }).from(handoffDestinations));
        if (done === "notified" && dest && dest.minutes > 0) await send({ ...job, step: "timeout" }, dest.minutes * 60);
        return;
      }
      const again = await notify(deps, job.tenantId, job.handoffId, true);
      // A retry after the re-notification went out still owes the user their word (tellUser is once).
      if (again === "notified again" || again === "already re-notified") await tellUser(deps, job.tenantId, job.handoffId);
    },
  });

  /** Told of every new handoff (after it committed). */
  return (h: Handoff) => void send({ tenantId: h.tenantId, handoffId: h.id, step: "notify" }).catch((e) => log.error({ err: e, handoff: h.id }, "could not queue the handoff notification"));
}

/** The honest word to the user that nobody has taken it yet: once (its own origin event), in the transcript. */
export async function tellUser(deps: NoticeDeps, tenantId: string, handoffId: string): Promise<void> {
  const id = replyId(tenantId, `timeout:${handoffId}`);
  const written = await deps.db.withTenant(tenantId, async (tx) => {
    const h = await findHandoff(tx, handoffId);
    const [conv] = h ? await tx.select().from(conversations).where(eq(conversations.id, h.conversationId)) : [];
    if (!h || !conv) return null;
    const [seen] = await tx.select({ id: inboundEvents.id }).from(inboundEvents).where(eq(inboundEvents.id, id));
    if (!seen) {
      await originEvent(tx, tenantId, { id, channelId: conv.channelId, origin: "handoff", ref: h.id });
      await tx.insert(messages).values({ tenantId, conversationId: conv.id, role: "assistant", content: TIMEOUT_TEXT, tokens: estimateTokens(TIMEOUT_TEXT), inboundEventId: id });
    }
    const [prepared] = await prepareMany(tx, tenantId, [{ channelId: conv.channelId, key: { inboundEventId: id, seq: 1 }, message: { chatKey: conv.chatKey, text: TIMEOUT_TEXT } }]);
    return { prepared: prepared!, conv, h };
  });
  const reach = deps.reach();
  if (!written || !reach) return;
  const adapter = reach.connection(written.conv.channelId)?.adapter ?? notConnected;
  const outcome = await reach.outbox.deliver(tenantId, written.prepared, adapter, (o) => ({
    audit: { tenantId, kind: "outbound", agentId: written.h.agentId, conversationId: written.conv.id, actor: "handoff", summary: `handoff timeout notice ${describeOutcome(o)}`, data: { handoff: handoffId } },
  }));
  if (outcome.status === "failed") throw new Error(`timeout notice not sent: ${describeOutcome(outcome)}`);
}

