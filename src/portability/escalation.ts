/**
 * A tenant's handoff settings (`tenants[].escalation`: destination chain, business hours, canned
 * replies) and its secrets (`tenants[].secrets`) — the inverse of handoff/config.ts
 * provisionEscalation and apply.ts upsertSecrets.
 */
import { asc } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { cannedReplies, tenantSecrets } from "../db/schema/index.ts";
import { CANNED_MAX } from "../handoff/canned.ts";
import { chainOf } from "../handoff/destination.ts";
import { hoursOf, normalWeek } from "../handoff/hours-store.ts";
import type { SecretBox } from "../secrets/box.ts";
import type { ExportedAgents } from "./agents.ts";
import type { SecretWriter } from "./secrets.ts";

/** Null when the tenant has none of the three. */
export async function readEscalation(tx: Tx, refs: ExportedAgents): Promise<Record<string, unknown> | null> {
  const chain = await chainOf(tx);
  const hours = await hoursOf(tx);
  const canned = await tx.select().from(cannedReplies).orderBy(asc(cannedReplies.title)).limit(CANNED_MAX);
  const steps = chain.map((d) => ({ channel: refs.channelNames.get(d.channelId), chat: d.chat, timeout_minutes: d.timeoutMinutes }));
  if (!chain.length && !hours && !canned.length) return null;
  const out: Record<string, unknown> = {};
  // Destinations are Slack or Telegram channels, which are always exported; guarded all the same.
  if (steps.length && steps.every((s) => s.channel)) {
    out.destination = steps[0];
    out.next_destinations = steps.slice(1);
  } else if (steps.length) refs.notes.push("escalation destination: its channel is not exported, left out");
  if (hours)
    out.business_hours = {
      timezone: hours.timezone,
      week: normalWeek(hours.week),
      holidays: hours.holidays,
      language: hours.language,
      ...(hours.expectedWaitMinutes ? { expected_wait_minutes: hours.expectedWaitMinutes } : {}),
    };
  out.canned_replies = canned.map((c) => ({ title: c.title, body: c.body }));
  return out;
}

export async function readSecrets(tx: Tx, box: SecretBox, secrets: SecretWriter): Promise<Record<string, unknown>> {
  const rows = await tx.select().from(tenantSecrets).orderBy(asc(tenantSecrets.name));
  return Object.fromEntries(rows.map((r) => [r.name, secrets.value(box.unseal(r.value), "SECRET", r.name)]));
}
