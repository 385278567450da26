/**
 * A tenant's schedules, triggers and teams as `tenants[].schedules|triggers|teams` — the inverse of
 * schedules/, triggers/ and teams/provision.ts. Rows pointing at an agent or channel the export
 * left out are left out too (named in the notes), so the file always validates. Chat-made
 * schedules (no name) belong to a conversation and are not exported: importing them back would
 * duplicate them beside the originals.
 */
import { asc, eq } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { schedules, teamMembers, teams, triggers } from "../db/schema/index.ts";
import type { SecretBox } from "../secrets/box.ts";
import type { ExportedAgents } from "./agents.ts";
import type { SecretWriter } from "./secrets.ts";

export async function readSchedules(tx: Tx, refs: ExportedAgents): Promise<Record<string, unknown>[]> {
  const rows = await tx.select().from(schedules).orderBy(asc(schedules.name), asc(schedules.number));
  const chatMade = rows.filter((s) => s.name === null).length;
  if (chatMade) refs.notes.push(`${chatMade} schedule(s) made in chat (they belong to a conversation), left out`);
  const out: Record<string, unknown>[] = [];
  for (const s of rows) {
    if (s.name === null) continue;
    const agent = refs.agentSlugs.get(s.agentId);
    const channel = s.channelId ? refs.channelNames.get(s.channelId) : undefined;
    if (!agent || !channel || !s.chatKey) {
      refs.notes.push(`schedule ${s.name}: its channel is not exported, left out`);
      continue;
    }
    out.push({ name: s.name, agent, channel, chat: s.chatKey, thread: s.replyTo ?? "", owner: s.ownerUser, cron: s.cron, time_zone: s.timeZone, instruction: s.instruction, missed_runs: s.missedPolicy, paused: s.paused });
  }
  return out;
}

/** A trigger's URL (public id) is not carried: the importing appliance makes a new one. */
export async function readTriggers(tx: Tx, box: SecretBox, secrets: SecretWriter, refs: ExportedAgents): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const t of await tx.select().from(triggers).orderBy(asc(triggers.name))) {
    const agent = refs.agentSlugs.get(t.agentId);
    const channel = refs.channelNames.get(t.channelId);
    if (!agent || !channel) {
      refs.notes.push(`trigger ${t.name}: its channel is not exported, left out`);
      continue;
    }
    const secret = t.kind === "webhook" && t.secret ? box.unseal(t.secret) : "";
    out.push({
      name: t.name,
      kind: t.kind,
      event: t.event ?? "",
      scheme: t.scheme,
      webhook_secret: secrets.value(secret, "TRIGGER", t.name, "WEBHOOK_SECRET"),
      agent,
      channel,
      chat: t.chatKey,
      thread: t.replyTo ?? "",
      filter: t.filter,
      instruction: t.template,
      paused: t.paused,
    });
  }
  return out;
}

/**
 * Which channels a team answers is not stored apart from the channel's agent: a channel pointed at
 * the coordinator is exported under the coordinator, which is the same thing once imported.
 */
export async function readTeams(tx: Tx, refs: ExportedAgents): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const t of await tx.select().from(teams).orderBy(asc(teams.slug))) {
    const members = await tx.select().from(teamMembers).where(eq(teamMembers.teamId, t.id)).orderBy(asc(teamMembers.position));
    out.push({
      slug: t.slug,
      name: t.name,
      coordinator: refs.agentSlugs.get(t.coordinatorId)!,
      specialists: members.map((m) => ({ agent: refs.agentSlugs.get(m.agentId)!, description: m.description })),
      max_fanout: t.maxFanout,
    });
  }
  return out;
}
