/**
 * A person's reply to the end user, from whichever surface (Slack thread, Telegram reply, console):
 * exactly once per `key` (the surface's own message id or form nonce). The owner check, the
 * transcript line (role assistant, "Maria (human): …", so the AI later has it in context and does
 * not repeat the question) and the outbox row are written in one tenant transaction under an
 * origin event whose id derives from `key`; a retry with the same key re-sends the recorded row,
 * never a second one. A failed send stays visible as the outbox row's `failed` status.
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { estimateTokens } from "../agent/tokens.ts";
import type { Database } from "../db/database.ts";
import { conversations, inboundEvents, messages } from "../db/schema/index.ts";
import { originEvent } from "../gateway/origin.ts";
import { describeOutcome, notConnected, prepareMany } from "../gateway/outbox.ts";
import type { Reach } from "../heartbeat/deliver.ts";
import type { Handoff } from "../db/schema/handoffs.ts";
import { findHandoff, recordReply } from "./store.ts";
import type { HandoffMeasures } from "./types.ts";

export const REPLY_MAX = 4000;
const REPLY_SEQ = 1;

/** A stable uuid for a surface's message key (so redeliveries of that message map to one reply). */
export function replyId(tenantId: string, key: string): string {
  const h = createHash("sha256").update(`${tenantId}\n${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type HumanReply = { handoffId: string; owner: string; name: string; key: string; text: string };

export async function replyAsHuman(deps: { db: Database; reach: Reach; measures?: HandoffMeasures }, tenantId: string, r: HumanReply): Promise<"sent" | "failed" | "not_owner"> {
  const text = r.text.trim();
  if (!text || text.length > REPLY_MAX) throw new Error(`a reply must be 1–${REPLY_MAX} characters`);
  const id = replyId(tenantId, r.key);
  const line = `${r.name.slice(0, 80)} (human): ${text}`;
  const written = await deps.db.withTenant(tenantId, async (tx) => {
    const handoff = await findHandoff(tx, r.handoffId);
    if (!handoff) return null;
    const [conv] = await tx.select().from(conversations).where(eq(conversations.id, handoff.conversationId));
    if (!conv) return null;
    const [seen] = await tx.select({ id: inboundEvents.id }).from(inboundEvents).where(eq(inboundEvents.id, id));
    let first: Handoff | null = null;
    if (!seen) {
      const replied = await recordReply(tx, handoff.id, r.owner);
      if (!replied) return null;
      if (!handoff.firstReplyAt) first = replied;
      await originEvent(tx, tenantId, { id, channelId: conv.channelId, origin: "handoff", ref: handoff.id });
      await tx.insert(messages).values({ tenantId, conversationId: conv.id, role: "assistant", content: line, tokens: estimateTokens(line), inboundEventId: id });
    }
    const [prepared] = await prepareMany(tx, tenantId, [{ channelId: conv.channelId, key: { inboundEventId: id, seq: REPLY_SEQ }, message: { chatKey: conv.chatKey, text: line } }]);
    return { prepared: prepared!, conv, handoff, first };
  });
  if (!written) return "not_owner";
  if (written.first) deps.measures?.firstReply(written.first);
  const adapter = deps.reach.connection(written.conv.channelId)?.adapter ?? notConnected;
  const outcome = await deps.reach.outbox.deliver(tenantId, written.prepared, adapter, (o) => ({
    audit: { tenantId, kind: "outbound", agentId: written.handoff.agentId, conversationId: written.conv.id, actor: r.owner, summary: `human reply ${describeOutcome(o)}`, data: { handoff: written.handoff.id } },
  }));
  return outcome.status === "failed" ? "failed" : "sent";
}
