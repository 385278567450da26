/**
 * A tenant's escalation chain (handoff_destinations, at most CHAIN_MAX steps, position 0 first): each
 * step a chat on one of its own Slack or Telegram channels and the minutes (business time, hours.ts)
 * after which a handoff nobody took goes to the next step — or, at the last step, is announced again
 * (0 = never). Saved as a whole and removed in the tenant's transaction (another tenant's channel id
 * names nothing), audited with who changed it.
 */
import { and, asc, eq, gte, inArray } from "drizzle-orm";
import { audit } from "../agent/audit.ts";
import type { Database, Tx } from "../db/database.ts";
import { channels, type HandoffDestination, handoffDestinations } from "../db/schema/index.ts";

export const DESTINATION_KINDS = ["slack", "telegram"] as const;
export const TIMEOUT_MAX_MINUTES = 24 * 60;
/** The first destination and at most two more, reached one after the other while nobody takes it. */
export const CHAIN_MAX = 3;
/** A Slack channel id (C…, G…) or a Telegram chat id (a group's is negative). */
export const CHAT_PATTERN = { slack: /^[CG][A-Z0-9]{2,20}$/, telegram: /^-?\d{1,20}$/ } as const;

export type DestinationStep = { channelId: string; chat: string; timeoutMinutes: number };
/** The form's field of a step: the first step's names are unsuffixed (`chat`), later ones `chat_2`, `chat_3`. */
export const stepField = (base: string, i: number) => (i === 0 ? base : `${base}_${i + 1}`);

export async function chainOf(tx: Tx): Promise<HandoffDestination[]> {
  return tx.select().from(handoffDestinations).orderBy(asc(handoffDestinations.position)).limit(CHAIN_MAX);
}

export async function getDestinations(db: Database, tenantId: string): Promise<HandoffDestination[]> {
  return db.withTenant(tenantId, chainOf);
}

/** The tenant's channels a destination may name. */
export async function destinationChannels(db: Database, tenantId: string) {
  return db.withTenant(tenantId, (tx) =>
    tx.select({ id: channels.id, name: channels.name, kind: channels.kind }).from(channels).where(inArray(channels.kind, [...DESTINATION_KINDS])).orderBy(channels.name));
}

/** Saves the whole chain (steps beyond it go); the wrong field, named as in the form, and nothing saved. */
export async function saveDestinations(db: Database, tenantId: string, steps: DestinationStep[], by: string): Promise<{ field: string; error: string } | null> {
  if (steps.length === 0 || steps.length > CHAIN_MAX) return { field: "channel_id", error: `1–${CHAIN_MAX} destinations` };
  const badTimeout = steps.findIndex((d) => !Number.isInteger(d.timeoutMinutes) || d.timeoutMinutes < 0 || d.timeoutMinutes > TIMEOUT_MAX_MINUTES);
  if (badTimeout >= 0) return { field: stepField("timeout_minutes", badTimeout), error: `a whole number of minutes, 0–${TIMEOUT_MAX_MINUTES}` };
  return db.withTenant(tenantId, async (tx) => {
    for (const [i, d] of steps.entries()) {
      const [c] = await tx.select({ kind: channels.kind }).from(channels).where(and(eq(channels.id, d.channelId), inArray(channels.kind, [...DESTINATION_KINDS])));
      if (!c) return { field: stepField("channel_id", i), error: "choose one of this tenant's Slack or Telegram channels" };
      if (!CHAT_PATTERN[c.kind as keyof typeof CHAT_PATTERN].test(d.chat)) return { field: stepField("chat", i), error: c.kind === "slack" ? "a Slack channel id such as C0123ABCD" : "a Telegram chat id such as -1001234567890" };
    }
    await writeChain(tx, tenantId, steps, by);
    return null;
  });
}

/** Writes the chain (validated) and one audit entry; shared with config as code. */
export async function writeChain(tx: Tx, tenantId: string, steps: DestinationStep[], by: string): Promise<void> {
  await tx.delete(handoffDestinations).where(gte(handoffDestinations.position, steps.length));
  for (const [position, d] of steps.entries()) {
    const row = { tenantId, position, channelId: d.channelId, chat: d.chat, timeoutMinutes: d.timeoutMinutes, updatedBy: by, updatedAt: new Date() };
    await tx.insert(handoffDestinations).values(row).onConflictDoUpdate({ target: [handoffDestinations.tenantId, handoffDestinations.position], set: row });
  }
  const first = steps[0]!;
  await audit(tx, {
    tenantId, kind: "handoff", actor: by,
    summary: `escalation destination set (${steps.length} step${steps.length > 1 ? "s" : ""}, timeout ${steps.map((s) => s.timeoutMinutes).join("/")} min)`,
    data: { step: "destination", channel: first.channelId, chat: first.chat, timeoutMinutes: first.timeoutMinutes, chain: steps },
  });
}

export async function removeDestination(db: Database, tenantId: string, by: string): Promise<void> {
  await db.withTenant(tenantId, async (tx) => {
    const gone = await tx.delete(handoffDestinations).returning({ chat: handoffDestinations.chat });
    if (gone.length) await audit(tx, { tenantId, kind: "handoff", actor: by, summary: "escalation destination removed", data: { step: "destination", removed: true } });
  });
}
