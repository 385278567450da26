/** Agent Designer: the form's schema and the writes behind /admin/agents. */
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { moneySchema, moneyText } from "../../config/money.ts";
import type { Database } from "../../db/database.ts";
import { type Agent, agents, channels, type HeartbeatSettings } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { CHAIN_ENTRY } from "../../llm/chain.ts";
import { parseRuleLines, rulesToLines } from "../../escalation/settings.ts";
import type { EscalationRule, EscalationTopic } from "../../escalation/types.ts";
import { parseScopeForm, scopeToForm } from "../../scope/settings.ts";
import type { ScopeSettings } from "../../scope/types.ts";
import { lockAgent, recordAgentVersion } from "../../versions/agent.ts";
import type { VersionSource } from "../../db/schema/index.ts";
import { isUniqueViolation, listField, type Parsed, parseForm } from "../forms.ts";
import { heartbeatToForm, parseHeartbeatForm } from "./heartbeat-form.ts";

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "1-63 characters of a-z, 0-9 and '-', starting with a letter or digit");

export const agentForm = z.object({
  slug,
  name: z.string().trim().min(1, "is required").max(100),
  role: z.string().trim().max(200).default(""),
  persona: z.string().max(4000).default(""),
  instructions: z.string().max(20_000).default(""),
  models: z.array(z.string().regex(CHAIN_ENTRY, "each entry must be provider_id/model, optionally followed by ' vision'")).min(1, "add at least one model, e.g. openai/gpt-4o-mini"),
  daily_budget_usd: moneySchema,
  monthly_budget_usd: moneySchema,
  context_tokens: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(256, "at least 256"),
  max_tool_iterations: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(0).max(32, "at most 32"),
  skills: z.array(z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, "skill names are lower-case words (a-z, 0-9, _ . -)")),
  escalation_rules: z.string().max(4000).default(""),
});
export type AgentForm = z.infer<typeof agentForm> & { heartbeat: HeartbeatSettings | null; escalation: EscalationRule[]; scope: ScopeSettings | null };

/** `topics`: the agent's own escalation topics (declared in config), which its rules may name. */
export function parseAgentForm(fields: Record<string, string>, topics: EscalationTopic[] = []): Parsed<AgentForm> {
  const r = parseForm(agentForm, { ...fields, models: listField(fields.models), skills: listField(fields.skills) });
  if (!r.ok) for (const k of Object.keys(r.errors)) if (/^(models|skills)\.\d+$/.test(k)) r.errors[k.split(".")[0]!] ??= r.errors[k]!;
  const h = parseHeartbeatForm(fields);
  const e = (fields.escalation_conditions ?? "").length > 8000 ? ({ ok: false, error: "at most 8,000 characters" } as const) : parseRuleLines(fields.escalation_conditions ?? "", topics);
  const s = parseScopeForm(fields);
  if (r.ok && h.ok && e.ok && s.ok) return { ok: true, value: { ...r.value, heartbeat: h.value, escalation: e.rules, scope: s.value } };
  return { ok: false, errors: { ...(h.ok ? {} : h.errors), ...(s.ok ? {} : s.errors), ...(r.ok ? {} : r.errors), ...(e.ok ? {} : { escalation_conditions: e.error }) } };
}

export function agentToForm(a: Agent): Record<string, string> {
  return {
    slug: a.slug,
    name: a.name,
    role: a.role,
    persona: a.persona,
    instructions: a.instructions,
    models: a.models.join("\n"),
    daily_budget_usd: moneyText(a.dailyBudgetUsd),
    monthly_budget_usd: moneyText(a.monthlyBudgetUsd),
    context_tokens: String(a.contextTokens),
    max_tool_iterations: String(a.maxToolIterations),
    skills: (a.enabledSkills ?? []).join("\n"),
    escalation_rules: a.escalationRules,
    escalation_conditions: rulesToLines(a.escalation?.rules ?? []),
    ...heartbeatToForm(a.heartbeat),
    ...scopeToForm(a.scope),
  };
}

export const AGENT_DEFAULTS: Record<string, string> = { daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4", ...heartbeatToForm(null) };

/** The form's plain values as agent columns: what a save writes and what a never-saved preview runs with. */
export function formColumns(f: AgentForm) {
  return {
    slug: f.slug,
    name: f.name,
    role: f.role,
    persona: f.persona,
    instructions: f.instructions,
    models: f.models,
    dailyBudgetUsd: f.daily_budget_usd,
    monthlyBudgetUsd: f.monthly_budget_usd,
    contextTokens: f.context_tokens,
    maxToolIterations: f.max_tool_iterations,
    escalationRules: f.escalation_rules,
    scope: f.scope,
  };
}

function columns(f: AgentForm) {
  return {
    ...formColumns(f),
    // No names = every skill the tenant has (the skill registry reads null that way).
    enabledSkills: f.skills.length ? f.skills : null,
    // The Designer edits the rules; topics declared in config stay as they are.
    escalation: sql`jsonb_build_object('rules', ${JSON.stringify(f.escalation)}::jsonb, 'topics', coalesce(${agents.escalation}->'topics', '[]'::jsonb))`,
    heartbeat: f.heartbeat,
    // A changed heartbeat is due at the next tick; one switched on looks only at what happens from now.
    heartbeatNextAt: null,
    heartbeatLastAt: f.heartbeat ? sql`coalesce(${agents.heartbeatLastAt}, now())` : null,
  };
}

/** Who saves and from which version (src/versions/): `expected` refuses a save made from a stale form. */
export interface SaveBy {
  author: string;
  source: VersionSource;
  expected?: number;
}

/** Creates or updates, with a new version in the same transaction; a taken slug or a stale form comes back as a field error. */
export async function saveAgent(db: Database, tenantId: string, id: string | null, f: AgentForm, by: SaveBy = { author: "console", source: "console" }): Promise<{ id: string } | { errors: Record<string, string> }> {
  try {
    return await db.withTenant(tenantId, async (tx): Promise<{ id: string } | { errors: Record<string, string> }> => {
      const notify = f.heartbeat?.notify;
      if (notify && !(await tx.select({ id: channels.id }).from(channels).where(eq(channels.name, notify.channel))).length)
        return { errors: { heartbeat_notify_channel: `no channel named '${notify.channel.slice(0, 100)}' in this tenant` } };
      if (!id) {
        const [row] = await tx.insert(agents).values({ tenantId, ...columns(f), escalation: { rules: f.escalation, topics: [] }, heartbeatLastAt: null, source: "ui" }).returning({ id: agents.id });
        await recordAgentVersion(tx, row!.id, by.author, by.source);
        return { id: row!.id };
      }
      try {
        await lockAgent(tx, id, by.expected);
      } catch (e) {
        if (e instanceof KonstructError && e.code === "conflict") return { errors: { version: e.message } };
        throw e;
      }
      const [row] = await tx.update(agents).set({ ...columns(f), updatedAt: sql`now()` }).where(eq(agents.id, id)).returning({ id: agents.id });
      if (!row) throw new KonstructError("not_found", "no such AI employee");
      await recordAgentVersion(tx, row.id, by.author, by.source);
      return { id: row.id };
    });
  } catch (e) {
    if (isUniqueViolation(e)) return { errors: { slug: "another AI employee of this tenant has this slug" } };
    throw e;
  }
}

export function listAgents(db: Database, tenantId: string): Promise<Agent[]> {
  return db.withTenant(tenantId, (tx) => tx.select().from(agents).orderBy(asc(agents.name)));
}

export async function getAgent(db: Database, tenantId: string, id: string): Promise<Agent> {
  const [a] = await db.withTenant(tenantId, (tx) => tx.select().from(agents).where(and(eq(agents.id, id))));
  if (!a) throw new KonstructError("not_found", "no such AI employee");
  return a;
}

export async function deleteAgent(db: Database, tenantId: string, id: string): Promise<void> {
  await db.withTenant(tenantId, (tx) => tx.delete(agents).where(eq(agents.id, id)));
}
