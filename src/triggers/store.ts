/**
 * The triggers table's reads and writes for the console, config-as-code and deliveries. A new
 * trigger's secret is generated here (32 random bytes, hex) unless one is given (config), sealed
 * before it is written, and returned in plaintext exactly once, to the caller that created it.
 * Definitions are validated (paths, template, event name) before they are stored.
 */
import { randomBytes } from "node:crypto";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { type DeliveryOutcome, type FilterCondition, type SignatureScheme, type Trigger, type TriggerDelivery, type TriggerKind, triggerDeliveries, triggers } from "../db/schema/index.ts";
import type { SecretBox } from "../secrets/box.ts";
import { INTERNAL_EVENTS } from "./events.ts";
import { newPublicId } from "./ids.ts";
import { checkFilter, checkTemplate } from "./payload.ts";

export interface TriggerDefinition {
  name: string;
  kind: TriggerKind;
  event?: string | null;
  scheme: SignatureScheme;
  agentId: string;
  channelId: string;
  chatKey: string;
  replyTo?: string | null;
  filter: FilterCondition[];
  template: string;
  paused?: boolean;
}

/** Throws an Error saying what is wrong with a definition. */
export function checkDefinition(d: TriggerDefinition): void {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(d.name)) throw new Error("name: 1-63 chars of a-z, 0-9 and '-'");
  if (!d.chatKey || d.chatKey.length > 200) throw new Error("chat: required, at most 200 characters");
  if (d.kind === "event" && !INTERNAL_EVENTS.includes(d.event as never)) throw new Error(`event: one of ${INTERNAL_EVENTS.join(", ")}`);
  checkFilter(d.filter);
  checkTemplate(d.template);
}

function values(d: TriggerDefinition) {
  return { name: d.name, kind: d.kind, event: d.kind === "event" ? d.event! : null, scheme: d.scheme, agentId: d.agentId, channelId: d.channelId, chatKey: d.chatKey, replyTo: d.replyTo || null, filter: d.filter, template: d.template, paused: d.paused ?? false };
}

/** Creates a trigger; the plaintext secret is returned this once (empty for kind `event`). */
export async function createTrigger(tx: Tx, box: SecretBox, tenantId: string, d: TriggerDefinition, o: { secret?: string; source?: string } = {}): Promise<{ trigger: Trigger; secret: string }> {
  checkDefinition(d);
  const secret = d.kind === "event" ? "" : o.secret || randomBytes(32).toString("hex");
  const [trigger] = await tx
    .insert(triggers)
    .values({ tenantId, publicId: newPublicId(tenantId), ...values(d), secret: secret ? box.seal(secret) : null, source: o.source ?? "console" })
    .returning();
  return { trigger: trigger!, secret };
}

/** Updates a trigger's definition (and its secret when one is given); the URL stays. */
export async function updateTrigger(tx: Tx, box: SecretBox, id: string, d: TriggerDefinition, secret?: string): Promise<void> {
  checkDefinition(d);
  await tx
    .update(triggers)
    .set({ ...values(d), ...(secret !== undefined ? { secret: secret && d.kind === "webhook" ? box.seal(secret) : null } : {}) })
    .where(eq(triggers.id, id));
}

export async function deleteTrigger(tx: Tx, id: string): Promise<boolean> {
  return (await tx.delete(triggers).where(eq(triggers.id, id)).returning({ id: triggers.id })).length > 0;
}

export function listTriggers(tx: Tx, limit = 200): Promise<Trigger[]> {
  return tx.select().from(triggers).orderBy(triggers.name).limit(limit);
}

export async function triggerByPublicId(tx: Tx, publicId: string): Promise<Trigger | null> {
  const [t] = await tx.select().from(triggers).where(and(eq(triggers.publicId, publicId), eq(triggers.kind, "webhook")));
  return t ?? null;
}

export function eventTriggers(tx: Tx, event: string): Promise<Trigger[]> {
  return tx.select().from(triggers).where(and(eq(triggers.kind, "event"), eq(triggers.event, event), eq(triggers.paused, false)));
}

/** Newest first, for the triggers given (all when empty). */
export function recentDeliveries(tx: Tx, triggerIds: string[] = [], limit = 50): Promise<TriggerDelivery[]> {
  const q = tx.select().from(triggerDeliveries);
  return (triggerIds.length ? q.where(inArray(triggerDeliveries.triggerId, triggerIds)) : q).orderBy(desc(triggerDeliveries.at)).limit(limit);
}

/** Records a delivery that started nothing (refused, duplicate). */
export async function recordDelivery(tx: Tx, tenantId: string, triggerId: string, outcome: DeliveryOutcome, reason: string | null, deliveryId: string | null): Promise<void> {
  await tx.insert(triggerDeliveries).values({ tenantId, triggerId, outcome, reason: reason?.slice(0, 500) ?? null, deliveryId: deliveryId?.slice(0, 200) ?? null });
}

/** Deliveries are kept KEEP_DAYS; older rows (and with them their delivery ids) are dropped. */
export const KEEP_DAYS = 30;

export async function pruneDeliveries(tx: Tx, triggerId: string): Promise<void> {
  await tx.delete(triggerDeliveries).where(and(eq(triggerDeliveries.triggerId, triggerId), lt(triggerDeliveries.at, sql`now() - make_interval(days => ${KEEP_DAYS})`)));
}
