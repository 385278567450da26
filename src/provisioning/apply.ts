/**
 * Provisioning as code (like Grafana's): tenants, agents, channels, teams, schedules, triggers and LLM providers declared in
 * konstruct.config.yaml are upserted at start. Rows the config created (source = 'config') and no
 * longer declares are removed within a declared tenant; a tenant that vanished from the config is
 * only reported — deleting a tenant's data is never implicit.
 */
import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { ChannelConfig, Config } from "../config/schema.ts";
import { causeChain } from "../errors.ts";
import type { Database, Tx } from "../db/database.ts";
import { agents, channels, llmProviders, tenants, tenantSecrets } from "../db/schema/index.ts";
import { recordAgentVersion } from "../versions/agent.ts";
import { channelKind } from "../versions/channel.ts";
import { recordVersion } from "../versions/store.ts";
import { upsertSchedules } from "../schedules/provision.ts";
import { upsertTriggers } from "../triggers/provision.ts";
import { upsertTeams } from "../teams/provision.ts";
import { provisionEscalation } from "../handoff/config.ts";
import type { SecretBox } from "../secrets/box.ts";
import { toSettings as escalationSettings } from "../escalation/settings.ts";
import { toSettings } from "../heartbeat/settings.ts";
import { toSettings as scopeSettings } from "../scope/settings.ts";

/** A heartbeat switched on in the file looks only at what happens from then (not the agent's whole past). */
const HEARTBEAT_FROM_NOW = sql`case when excluded.heartbeat is null then null else coalesce(${agents.heartbeatLastAt}, now()) end`;

export interface ProvisionSummary {
  providers: number;
  tenants: number;
  agents: number;
  channels: number;
  /** Teams created or changed (an unchanged team writes nothing). */
  teams: number;
  undeclaredTenants: string[];
  /** `tenant/team` of teams in the database the config does not declare (left in place). */
  undeclaredTeams: string[];
  /** `tenant/agent` of WhatsApp agents without a business-function scope (warned about, still started). */
  unscopedWhatsApp: string[];
}

/**
 * Idempotent, so a transaction Postgres chose as a deadlock victim (40P01) — a replica provisioning
 * while others start too or serve — is simply run again (bounded) instead of failing the start.
 */
export async function applyProvisioning(
  cfg: Pick<Config, "tenants" | "llm">,
  db: Database,
  box: SecretBox,
  log: Logger,
): Promise<ProvisionSummary> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await provisionOnce(cfg, db, box, log);
    } catch (e) {
      if (attempt >= 3 || !isDeadlock(e)) throw e;
      log.warn({ attempt }, "provisioning was a deadlock victim; trying again");
      await Bun.sleep(100 * attempt + Math.random() * 100);
    }
  }
}

function isDeadlock(e: unknown): boolean {
  for (const c of causeChain(e, 4)) if (c.code === "40P01") return true;
  return false;
}

async function provisionOnce(
  cfg: Pick<Config, "tenants" | "llm">,
  db: Database,
  box: SecretBox,
  log: Logger,
): Promise<ProvisionSummary> {
  const summary: ProvisionSummary = { providers: 0, tenants: 0, agents: 0, channels: 0, teams: 0, undeclaredTenants: [], undeclaredTeams: [], unscopedWhatsApp: [] };
  const created: string[] = []; // tenant rows this run inserted: removed again if the run fails
  const tenantIds = await db.platform(async (tx) => {
    for (const p of cfg.llm.providers) {
      const row = {
        id: p.id,
        kind: p.kind,
        baseUrl: p.base_url,
        apiKey: box.seal(p.api_key),
        timeoutMs: p.timeout_ms,
        maxConcurrency: p.max_concurrency,
        source: "config",
      };
      await tx.insert(llmProviders).values(row).onConflictDoUpdate({
        target: llmProviders.id,
        set: { ...withoutKeys(row, "id"), updatedAt: sql`now()` },
      });
      summary.providers++;
    }
    const ids = new Map<string, string>();
    for (const t of cfg.tenants) {
      const [row] = await tx
        .insert(tenants)
        .values({ slug: t.slug, name: t.name, source: "config" })
        .onConflictDoUpdate({ target: tenants.slug, set: { name: t.name, source: "config", updatedAt: sql`now()` } })
        .returning({ id: tenants.id, inserted: sql<boolean>`(xmax = 0)` });
      ids.set(t.slug, row!.id);
      if (row!.inserted) created.push(row!.id);
      summary.tenants++;
    }
    const declared = cfg.tenants.map((t) => t.slug);
    const stale = await tx
      .select({ slug: tenants.slug })
      .from(tenants)
      .where(declared.length ? and(eq(tenants.source, "config"), notInArray(tenants.slug, declared)) : eq(tenants.source, "config"));
    summary.undeclaredTenants = stale.map((s) => s.slug);
    return ids;
  });

  try {
    await provisionTenants(cfg, db, box, log, tenantIds, summary);
  } catch (e) {
    // Each tenant's rows commit in its own transaction, so a failure rolls back only its own: a
    // tenant row this run created must not stay behind empty (or half there, for an earlier one).
    // The run's own error is the one to report: a cleanup that fails too (the database went away)
    // is logged, not thrown in its place.
    if (created.length)
      await db
        .platform((tx) => tx.delete(tenants).where(inArray(tenants.id, created)))
        .catch((cleanup) => log.error({ err: cleanup, tenants: created }, "could not remove the tenants this failed run created"));
    throw e;
  }
  if (summary.undeclaredTenants.length)
    log.warn({ tenants: summary.undeclaredTenants }, "tenants provisioned earlier are no longer in the config; left in place");
  if (summary.undeclaredTeams.length) log.info({ teams: summary.undeclaredTeams }, "teams not in the config (made in the console, or removed from it) are left in place");
  // A warning, not a refusal: an upgrade must not stop an appliance that served WhatsApp yesterday.
  if (summary.unscopedWhatsApp.length)
    log.warn(
      { agents: summary.unscopedWhatsApp },
      "WhatsApp agents without a business-function scope: Meta's policy bans general-purpose assistants on WhatsApp; declare tenants[].agents[].scope (business, topics) for each",
    );
  log.info(summary, "provisioning applied");
  return summary;
}

/** Every declared tenant's agents, channels, teams, escalation, secrets, schedules and triggers: one transaction per tenant. */
async function provisionTenants(cfg: Pick<Config, "tenants">, db: Database, box: SecretBox, log: Logger, tenantIds: Map<string, string>, summary: ProvisionSummary): Promise<void> {
  const channelVersions = channelKind(box);
  for (const t of cfg.tenants) {
    await db.withTenant(tenantIds.get(t.slug)!, async (tx) => {
      const tenantId = tenantIds.get(t.slug)!;
      const channelIds: string[] = [];
      for (const a of t.agents) {
        const values = {
          tenantId,
          slug: a.slug,
          name: a.name,
          role: a.role,
          persona: a.persona,
          instructions: a.instructions,
          models: a.models,
          dailyBudgetUsd: a.budget.daily_usd,
          monthlyBudgetUsd: a.budget.monthly_usd,
          contextTokens: a.context_tokens,
          maxToolIterations: a.max_tool_iterations,
          enabledSkills: a.skills ?? null,
          executorModels: a.executor_models,
          taskBudgetUsd: String(a.task_budget_usd),
          taskMaxSteps: a.task_max_steps,
          heartbeat: a.heartbeat ? toSettings(a.heartbeat) : null,
          escalationRules: a.escalation?.guidance ?? "",
          escalation: a.escalation ? escalationSettings(a.escalation) : null,
          scope: a.scope ? scopeSettings(a.scope) : null,
          source: "config",
        };
        const [agent] = await tx
          .insert(agents)
          .values(values)
          .onConflictDoUpdate({ target: [agents.tenantId, agents.slug], set: { ...withoutKeys(values, "tenantId", "slug"), updatedAt: sql`now()`, heartbeatLastAt: HEARTBEAT_FROM_NOW } })
          .returning({ id: agents.id });
        // Unchanged at restart = no new version (recordAgentVersion compares with the latest).
        await recordAgentVersion(tx, agent!.id, "config", "config");
        summary.agents++;
        if (!a.scope && a.channels.some((c) => c.kind === "whatsapp")) summary.unscopedWhatsApp.push(`${t.slug}/${a.slug}`);
        for (const c of a.channels) {
          channelIds.push(await upsertChannel(tx, tenantId, agent!.id, c, box));
          summary.channels++;
        }
      }
      await pruneUndeclared(tx, t.agents.map((a) => a.slug), t.agents.flatMap((a) => a.channels.map((c) => c.name)));
      // After the agents and channels (it points at them), before schedules and triggers.
      const applied = await upsertTeams(tx, tenantId, t.slug, t.teams);
      summary.teams += applied.written;
      // Only a tenant that declares teams is told about the others (console-made teams are normal).
      if (t.teams.length) summary.undeclaredTeams.push(...applied.undeclared.map((s) => `${t.slug}/${s}`));
      // After the teams, which may point a channel at their coordinator: one version per real change.
      for (const id of channelIds) await recordVersion(tx, channelVersions, id, "config", "config");
      // After the channels (the destination names one).
      await provisionEscalation(tx, tenantId, t.escalation);
      await upsertSecrets(tx, tenantId, t.secrets, box);
      await upsertSchedules(tx, tenantId, t.schedules);
      await upsertTriggers(tx, box, tenantId, t.triggers, log);
    });
  }
}

/**
 * An upsert's SET without the conflict key. Naming a column of a unique key in SET, even unchanged,
 * makes Postgres lock the existing row FOR UPDATE, which waits for — and blocks — every FOR KEY
 * SHARE a foreign-key check takes: a busy replica's turns reference the agent and the channel, so a
 * replica starting next to it deadlocked with them (agent locked, waiting for the channel a turn
 * holds, which waits for the agent). Without the keys the lock is FOR NO KEY UPDATE: no conflict.
 */
function withoutKeys<T extends Record<string, unknown>, K extends keyof T>(values: T, ...keys: K[]): Omit<T, K> {
  const out: Record<string, unknown> = { ...values };
  for (const k of keys) delete out[k as string];
  return out as Omit<T, K>;
}

async function upsertChannel(tx: Tx, tenantId: string, agentId: string, c: ChannelConfig, box: SecretBox): Promise<string> {
  const { settings, secrets } = splitChannel(c);
  const values = {
    tenantId,
    agentId,
    kind: c.kind,
    name: c.name,
    mode: c.mode,
    settings,
    secrets: box.sealJson(secrets),
    source: "config",
  };
  const [row] = await tx
    .insert(channels)
    .values(values)
    .onConflictDoUpdate({ target: [channels.tenantId, channels.name], set: { ...withoutKeys(values, "tenantId", "name"), updatedAt: sql`now()` } })
    .returning({ id: channels.id });
  return row!.id;
}

/** Credentials go to the sealed column, the rest stays readable. */
export function splitChannel(c: ChannelConfig): { settings: Record<string, string>; secrets: Record<string, string> } {
  if (c.kind === "slack")
    return {
      settings: { api_url: c.api_url, team_id: c.team_id, feedback: c.feedback, voice_replies: c.voice_replies },
      secrets: { bot_token: c.bot_token, signing_secret: c.signing_secret, app_token: c.app_token },
    };
  if (c.kind === "whatsapp") {
    const { kind: _k, name: _n, mode: _m, access_token, app_secret, ...settings } = c;
    return { settings, secrets: { access_token, app_secret } };
  }
  return { settings: { api_root: c.api_root, groups: c.groups, feedback: c.feedback, voice_replies: c.voice_replies }, secrets: { bot_token: c.bot_token, webhook_secret: c.webhook_secret } };
}

/** Tenant secrets for skills, sealed; those the config declared before and no longer does are removed. */
async function upsertSecrets(tx: Tx, tenantId: string, secrets: Record<string, string>, box: SecretBox) {
  const names = Object.keys(secrets);
  for (const name of names) {
    const values = { tenantId, name, value: box.seal(secrets[name]!), source: "config" };
    await tx.insert(tenantSecrets).values(values).onConflictDoUpdate({ target: [tenantSecrets.tenantId, tenantSecrets.name], set: { ...withoutKeys(values, "tenantId", "name"), updatedAt: sql`now()` } });
  }
  await tx
    .delete(tenantSecrets)
    .where(names.length ? and(eq(tenantSecrets.source, "config"), notInArray(tenantSecrets.name, names)) : eq(tenantSecrets.source, "config"));
}

async function pruneUndeclared(tx: Tx, agentSlugs: string[], channelNames: string[]) {
  await tx
    .delete(channels)
    .where(channelNames.length ? and(eq(channels.source, "config"), notInArray(channels.name, channelNames)) : eq(channels.source, "config"));
  await tx
    .delete(agents)
    .where(agentSlugs.length ? and(eq(agents.source, "config"), notInArray(agents.slug, agentSlugs)) : eq(agents.source, "config"));
}
