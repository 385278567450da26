/**
 * The Teams page's form: name, slug, coordinator, fan-out limit, the specialists (one per line,
 * `agent-slug | role description`) and the channels the team answers on (one name per line). Slugs
 * and names are resolved against the tenant's own agents and channels; each problem sits next to
 * its field, with the line it is on.
 */
import { z } from "zod";
import type { Agent, Channel } from "../../db/schema/index.ts";
import type { LoadedTeam, TeamInput } from "../../teams/store.ts";
import { MAX_FANOUT, MAX_SPECIALISTS } from "../../teams/store.ts";
import { type Parsed, parseForm } from "../forms.ts";

const base = z.object({
  name: z.string().trim().min(1, "is required").max(100),
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "1-63 characters of a-z, 0-9 and '-', starting with a letter or digit"),
  coordinator: z.string().min(1, "pick the AI employee that answers"),
  max_fanout: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "at least 1").max(MAX_FANOUT, `at most ${MAX_FANOUT}`),
});

export type TeamForm = TeamInput & { channelIds: string[] };

const lines = (text: string | undefined) => (text ?? "").split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));

export function parseTeamForm(fields: Record<string, string>, agents: Agent[], channels: Channel[]): Parsed<TeamForm> {
  const r = parseForm(base, fields);
  const errors: Record<string, string> = r.ok ? {} : { ...r.errors };
  const coordinator = agents.find((a) => a.id === fields.coordinator);
  if (r.ok && !coordinator) errors.coordinator = "no such AI employee";
  const members: TeamInput["members"] = [];
  const memberLines = lines(fields.members);
  if (memberLines.length > MAX_SPECIALISTS) errors.members = `at most ${MAX_SPECIALISTS} specialists`;
  else if (!memberLines.length) errors.members = "add at least one specialist: agent-slug | what they handle";
  for (const [i, line] of memberLines.entries()) {
    if (errors.members) break;
    const at = line.indexOf("|");
    const slug = (at < 0 ? line : line.slice(0, at)).trim();
    const description = at < 0 ? "" : line.slice(at + 1).trim();
    const agent = agents.find((a) => a.slug === slug);
    if (!agent) errors.members = `line ${i + 1}: no AI employee with slug '${slug.slice(0, 64)}'`;
    else if (!description) errors.members = `line ${i + 1}: write 'agent-slug | what they handle' (the description routes messages to them)`;
    else if (description.length > 1000) errors.members = `line ${i + 1}: a description is at most 1000 characters`;
    else members.push({ agentId: agent.id, description });
  }
  const channelIds: string[] = [];
  for (const name of lines(fields.channels)) {
    const c = channels.find((x) => x.name === name);
    if (!c) {
      errors.channels = `no channel named '${name.slice(0, 100)}' in this tenant`;
      break;
    }
    channelIds.push(c.id);
  }
  if (!r.ok || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { name: r.value.name, slug: r.value.slug, coordinatorId: coordinator!.id, maxFanout: r.value.max_fanout, members, channelIds } };
}

export function teamToForm(t: LoadedTeam, channels: Channel[]): Record<string, string> {
  return {
    name: t.team.name,
    slug: t.team.slug,
    coordinator: t.team.coordinatorId,
    max_fanout: String(t.team.maxFanout),
    members: t.specialists.map((s) => `${s.agent.slug} | ${s.description}`).join("\n"),
    channels: channels.filter((c) => c.agentId === t.team.coordinatorId).map((c) => c.name).join("\n"),
  };
}

export const TEAM_DEFAULTS: Record<string, string> = { max_fanout: "3" };
