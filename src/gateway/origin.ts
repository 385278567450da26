/**
 * An outbox key for work no one sent in: a scheduled run's task, a heartbeat's message, a trigger's
 * task, a person's reply in a handoff. Outbound messages are keyed by (inbound event, seq) and must reference an inbound event
 * (outbound_messages_event_fk), which is what makes them exactly-once; such work writes an event of
 * its own first, in the transaction that starts it. The event is `ignored` (the inbox never claims
 * it) and its message has no chatKey or text (no transcript or web chat lists it as someone's
 * words); a retry with the same id finds it instead of writing another.
 */
import { inboundEvents } from "../db/schema/index.ts";
import type { Tx } from "../db/database.ts";

export type Origin = "schedule" | "heartbeat" | "trigger" | "handoff";
export type OriginEvent = { id: string; channelId: string; origin: Origin; ref?: string };

export async function originEvent(tx: Tx, tenantId: string, o: OriginEvent): Promise<void> {
  await originEvents(tx, tenantId, [o]);
}

/** Several origin events in one statement (a burst of scheduled runs). */
export async function originEvents(tx: Tx, tenantId: string, list: OriginEvent[]): Promise<void> {
  if (!list.length) return;
  const processedAt = new Date();
  await tx
    .insert(inboundEvents)
    .values(list.map((o) => ({ tenantId, id: o.id, channelId: o.channelId, eventKey: `${o.origin}:${o.id}`, status: "ignored" as const, message: { origin: o.origin, ref: o.ref ?? null }, processedAt })))
    .onConflictDoNothing();
}
