/**
 * A tenant's agents and their channels as `tenants[].agents[]` — the inverse of what
 * provisioning/apply.ts writes. Channel credentials come out of the sealed column only to be
 * written as the value or as a placeholder (secrets.ts); settings keys the schema no longer knows
 * are dropped, so the file always validates.
 */
import { asc } from "drizzle-orm";
import { channelSchema } from "../config/schema.ts";
import { moneyText } from "../config/money.ts";
import type { Tx } from "../db/database.ts";
import { agents, channels, type Agent, type Channel } from "../db/schema/index.ts";
import { fromSettings as escalationConfig } from "../escalation/settings.ts";
import { fromSettings as heartbeatConfig } from "../heartbeat/settings.ts";
import { fromSettings as scopeConfig } from "../scope/settings.ts";
import type { SecretBox } from "../secrets/box.ts";
import type { SecretWriter } from "./secrets.ts";

/** Each channel kind's keys in the config, in the schema's order. */
const CHANNEL_KEYS = new Map(channelSchema.options.map((o) => [o.shape.kind.value as string, Object.keys(o.shape)]));

export interface ExportedAgents {
  agents: Record<string, unknown>[];
  /** id → slug and id → name, for the schedules, triggers, teams and escalation that point at them. */
  agentSlugs: Map<string, string>;
  channelNames: Map<string, string>;
  /** What could not be written (channels of kinds the config has no form for: web chat, API, widget). */
  notes: string[];
}

export async function readAgents(tx: Tx, box: SecretBox, secrets: SecretWriter): Promise<ExportedAgents> {
  const agentRows = await tx.select().from(agents).orderBy(asc(agents.slug));
  const all = await tx.select().from(channels).orderBy(asc(channels.name));
  const channelRows = all.filter((c) => CHANNEL_KEYS.has(c.kind));
  const other = all.filter((c) => !CHANNEL_KEYS.has(c.kind)).map((c) => `${c.name} (${c.kind})`);
  return {
    agents: agentRows.map((a) => agentEntry(a, channelRows.filter((c) => c.agentId === a.id).map((c) => channelEntry(c, box, secrets)))),
    agentSlugs: new Map(agentRows.map((a) => [a.id, a.slug])),
    channelNames: new Map(channelRows.map((c) => [c.id, c.name])),
    notes: other.length ? [`channels the config cannot declare, left out: ${other.join(", ")}`] : [],
  };
}

function agentEntry(a: Agent, channelEntries: Record<string, unknown>[]): Record<string, unknown> {
  const escalation = escalationConfig(a.escalationRules, a.escalation);
  return {
    slug: a.slug,
    name: a.name,
    role: a.role,
    persona: a.persona,
    instructions: a.instructions,
    models: a.models,
    channels: channelEntries,
    budget: { daily_usd: moneyText(a.dailyBudgetUsd), monthly_usd: moneyText(a.monthlyBudgetUsd) },
    context_tokens: a.contextTokens,
    max_tool_iterations: a.maxToolIterations,
    ...(a.enabledSkills ? { skills: a.enabledSkills } : {}),
    executor_models: a.executorModels,
    task_budget_usd: Number(a.taskBudgetUsd),
    task_max_steps: a.taskMaxSteps,
    ...(a.heartbeat ? { heartbeat: heartbeatConfig(a.heartbeat) } : {}),
    ...(escalation ? { escalation } : {}),
    ...(a.scope ? { scope: scopeConfig(a.scope) } : {}),
  };
}

/** The inverse of apply.ts splitChannel: settings and (sealed) credentials back into one entry. */
function channelEntry(c: Channel, box: SecretBox, secrets: SecretWriter): Record<string, unknown> {
  const sealed = box.unsealJson<Record<string, string>>(c.secrets);
  const entry: Record<string, unknown> = {};
  for (const key of CHANNEL_KEYS.get(c.kind)!) {
    if (key === "kind" || key === "name" || key === "mode") entry[key] = c[key];
    else if (key in sealed) entry[key] = secrets.value(sealed[key] ?? "", "CHANNEL", c.name, key);
    else if (key in c.settings) entry[key] = c.settings[key];
  }
  return entry;
}
