/**
 * A word from the appliance to the end user about their handoff (the wait outside business hours,
 * a timeout): through the conversation's own channel and outbox, exactly once per handoff and kind
 * (its own origin event, derived from both), and written to the transcript so the AI has it later.
 * The text is made only when it is first written, in the user's language (user-text.ts); a retry
 * re-sends the recorded one.
 */
import { eq } from "drizzle-orm";
import { estimateTokens } from "../agent/tokens.ts";
import { conversations, inboundEvents, messages } from "../db/schema/index.ts";
import { originEvent } from "../gateway/origin.ts";
import { describeOutcome, notConnected, prepareMany } from "../gateway/outbox.ts";
import { hoursOf } from "./hours-store.ts";
import type { Locale } from "../i18n/i18n.ts";
import type { NoticeDeps } from "./notice.ts";
import { replyId } from "./reply.ts";
import { findHandoff } from "./store.ts";
import { userLanguage } from "./user-text.ts";

export async function tellUser(deps: NoticeDeps, tenantId: string, handoffId: string, kind: "timeout" | "wait", text: (lang: Locale) => string): Promise<void> {
  const id = replyId(tenantId, `${kind}:${handoffId}`);
  const written = await deps.db.withTenant(tenantId, async (tx) => {
    const h = await findHandoff(tx, handoffId);
    const [conv] = h ? await tx.select().from(conversations).where(eq(conversations.id, h.conversationId)) : [];
    if (!h || !conv) return null;
    const [seen] = await tx.select({ id: inboundEvents.id }).from(inboundEvents).where(eq(inboundEvents.id, id));
    const content = seen ? "" : text(await userLanguage(tx, conv.id, (await hoursOf(tx))?.language));
    if (!seen) {
      await originEvent(tx, tenantId, { id, channelId: conv.channelId, origin: "handoff", ref: h.id });
      await tx.insert(messages).values({ tenantId, conversationId: conv.id, role: "assistant", content, tokens: estimateTokens(content), inboundEventId: id });
    }
    // A key already written keeps its recorded text (prepareMany): `content` matters only the first time.
    const [prepared] = await prepareMany(tx, tenantId, [{ channelId: conv.channelId, key: { inboundEventId: id, seq: 1 }, message: { chatKey: conv.chatKey, text: content || "…" } }]);
    return { prepared: prepared!, conv, h };
  });
  const reach = deps.reach();
  if (!written || !reach) return;
  const adapter = reach.connection(written.conv.channelId)?.adapter ?? notConnected;
  const outcome = await reach.outbox.deliver(tenantId, written.prepared, adapter, (o) => ({
    audit: { tenantId, kind: "outbound", agentId: written.h.agentId, conversationId: written.conv.id, actor: "handoff", summary: `handoff ${kind} notice ${describeOutcome(o)}`, data: { handoff: handoffId } },
  }));
  if (outcome.status === "failed") throw new Error(`${kind} notice not sent: ${describeOutcome(outcome)}`);
}
