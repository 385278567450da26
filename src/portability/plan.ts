/**
 * `konstruct import --dry-run`: what applying the file would create, update and remove, per tenant
 * and kind, read (not written) in each existing tenant's own transaction. Removal follows
 * provisioning's rule: rows config-as-code (or an earlier import) made that the file no longer
 * declares go; rows made in the console or in chat stay, and teams are never removed.
 */
import { eq } from "drizzle-orm";
import type { Database, Tx } from "../db/database.ts";
import { agents, cannedReplies, channels, schedules, teams, tenants, tenantSecrets, triggers } from "../db/schema/index.ts";
import type { TenantConfig } from "./import.ts";

type Row = { name: string | null; source?: string };
type Stored = Record<"agents" | "channels" | "schedules" | "triggers" | "teams" | "secrets" | "canned replies", Row[]>;

export async function planImport(db: Database, declared: TenantConfig[]): Promise<string[]> {
  const lines: string[] = [];
  for (const t of declared) {
    const [row] = await db.platform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, t.slug)));
    const stored = row ? await db.withTenant(row.id, readStored) : null;
    lines.push(`tenant ${t.slug}: ${stored ? "update" : "create"}`);
    const want: Record<keyof Stored, string[]> = {
      agents: t.agents.map((a) => a.slug),
      channels: t.agents.flatMap((a) => a.channels.map((c) => c.name)),
      schedules: t.schedules.map((s) => s.name),
      triggers: t.triggers.map((r) => r.name),
      teams: t.teams.map((m) => m.slug),
      secrets: Object.keys(t.secrets),
      "canned replies": t.escalation?.canned_replies.map((c) => c.title) ?? [],
    };
    for (const kind of Object.keys(want) as (keyof Stored)[]) {
      const have = stored?.[kind] ?? [];
      const names = new Set(have.map((h) => h.name));
      const parts = [
        ["create", want[kind].filter((n) => !names.has(n))],
        ["update", want[kind].filter((n) => names.has(n))],
        ["remove", have.filter((h) => h.source === "config" && h.name !== null && !want[kind].includes(h.name)).map((h) => h.name!)],
      ].filter(([, list]) => list!.length).map(([verb, list]) => `${verb} ${(list as string[]).join(", ")}`);
      if (parts.length) lines.push(`  ${kind}: ${parts.join("; ")}`);
    }
    const e = t.escalation;
    if (e?.destination) lines.push(`  escalation destinations: set to ${[e.destination, ...e.next_destinations].map((d) => `${d.channel}/${d.chat}`).join(" → ")}`);
    if (e?.business_hours) lines.push(`  business hours: set (${e.business_hours.timezone})`);
  }
  return lines;
}

async function readStored(tx: Tx): Promise<Stored> {
  return {
    agents: await tx.select({ name: agents.slug, source: agents.source }).from(agents),
    channels: await tx.select({ name: channels.name, source: channels.source }).from(channels),
    schedules: await tx.select({ name: schedules.name, source: schedules.source }).from(schedules),
    triggers: await tx.select({ name: triggers.name, source: triggers.source }).from(triggers),
    teams: await tx.select({ name: teams.slug }).from(teams),
    secrets: await tx.select({ name: tenantSecrets.name, source: tenantSecrets.source }).from(tenantSecrets),
    "canned replies": await tx.select({ name: cannedReplies.title }).from(cannedReplies),
  };
}
