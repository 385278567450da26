/**
 * A tenant's escalation destination (handoff_destinations, one row per tenant): a chat on one of
 * its own Slack or Telegram channels, and the minutes after which a handoff nobody took is
 * announced again (0 = never). Saved and removed in the tenant's transaction (another tenant's
 * channel id names nothing), audited with who changed it.
 */
import { and, eq, inArray } from "drizzle-orm";
import { audit } from "../agent/audit.ts";
import type { Database } from "../db/database.ts";
import { channels, type HandoffDestination, handoffDestinations } from "../db/schema/index.ts";

export const DESTINATION_KINDS = ["slack", "telegram"] as const;
export const TIMEOUT_MAX_MINUTES = 24 * 60;
/** A Slack channel id (C…, G…) or a Telegram chat id (a group's is negative). */
export const CHAT_PATTERN = { slack: /^[CG][A-Z0-9]{2,20}$/, telegram: /^-?\d{1,20}$/ } as const;

export async function getDestination(db: Database, tenantId: string): Promise<HandoffDestination | null> {
  const [row] = await db.withTenant(tenantId, (tx) => tx.select().from(handoffDestinations));
  return row ?? null;
}

/** The tenant's channels a destination may name. */
export async function destinationChannels(db: Database, tenantId: string) {
  return db.withTenant(tenantId, (tx) =>
    tx.select({ id: channels.id, name: channels.name, kind: channels.kind }).from(channels).where(inArray(channels.kind, [...DESTINATION_KINDS])).orderBy(channels.name));
}

/** Saves it; a string says which field is wrong (nothing saved). */
export async function saveDestination(db: Database, tenantId: string, d: { channelId: string; chat: string; timeoutMinutes: number }, by: string): Promise<{ field: string; error: string } | null> {
  if (!Number.isInteger(d.timeoutMinutes) || d.timeoutMinutes < 0 || d.timeoutMinutes > TIMEOUT_MAX_MINUTES) return { field: "timeout_minutes", error: `a whole number of minutes, 0–${TIMEOUT_MAX_MINUTES}` };
  return db.withTenant(tenantId, async (tx) => {
    const [c] = await tx.select({ kind: channels.kind }).from(channels).where(and(eq(channels.id, d.channelId), inArray(channels.kind, [...DESTINATION_KINDS])));
    if (!c) return { field: "channel_id", error: "choose one of this tenant's Slack or Telegram channels" };
    if (!CHAT_PATTERN[c.kind as keyof typeof CHAT_PATTERN].test(d.chat)) return { field: "chat", error: c.kind === "slack" ? "a Slack channel id such as C0123ABCD" : "a Telegram chat id such as -1001234567890" };
    const row = { tenantId, channelId: d.channelId, chat: d.chat, timeoutMinutes: d.timeoutMinutes, updatedBy: by, updatedAt: new Date() };
    await tx.insert(handoffDestinations).values(row).onConflictDoUpdate({ target: handoffDestinations.tenantId, set: row });
    await audit(tx, { tenantId, kind: "handoff", actor: by, summary: `escalation destination set (${c.kind}, timeout ${d.timeoutMinutes} min)`, data: { step: "destination", channel: d.channelId, chat: d.chat, timeoutMinutes: d.timeoutMinutes } });
    return null;
  });
}

export async function removeDestination(db: Database, tenantId: string, by: string): Promise<void> {
  await db.withTenant(tenantId, async (tx) => {
    const gone = await tx.delete(handoffDestinations).returning({ chat: handoffDestinations.chat });
    if (gone.length) await audit(tx, { tenantId, kind: "handoff", actor: by, summary: "escalation destination removed", data: { step: "destination", removed: true } });
  });
}
