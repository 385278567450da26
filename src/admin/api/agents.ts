/**
 * /api/v1/tenants/:tenantId/agents: AI employees, in the same shape as konstruct.config.yaml's
 * `agents[]` (minus channels, which have their own resource). Tenant admins of that tenant and
 * platform admins only (area "agents"). Agents declared in the config file are read-only here.
 */
import { eq, inArray } from "drizzle-orm";
import { agentSchema } from "../../config/schema.ts";
import type { Database } from "../../db/database.ts";
import { type Agent, agents, llmProviders } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import type { Handler } from "../lazy.ts";
import { idParam } from "../request.ts";
import { latestVersion, lockAgent, recordAgentVersion } from "../../versions/agent.ts";
import { parseBody, tenantScope } from "./common.ts";
import { recordConfig } from "../trail/config.ts";

const agentInput = agentSchema.omit({ channels: true });

export function agentJson(a: Agent) {
  return {
    id: a.id,
    tenant_id: a.tenantId,
    slug: a.slug,
    name: a.name,
    role: a.role,
    persona: a.persona,
    instructions: a.instructions,
    models: a.models,
    budget: { daily_usd: Number(a.dailyBudgetUsd), monthly_usd: Number(a.monthlyBudgetUsd) },
    context_tokens: a.contextTokens,
    max_tool_iterations: a.maxToolIterations,
    source: a.source,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

/** What PATCH merges into: the stored agent in input shape. */
const asInput = (a: Agent) => {
  const { id: _i, tenant_id: _t, source: _s, created_at: _c, updated_at: _u, ...rest } = agentJson(a);
  return rest;
};

function columns(input: ReturnType<typeof agentInput.parse>) {
  return {
    slug: input.slug,
    name: input.name,
    role: input.role,
    persona: input.persona,
    instructions: input.instructions,
    models: input.models,
    dailyBudgetUsd: input.budget.daily_usd,
    monthlyBudgetUsd: input.budget.monthly_usd,
    contextTokens: input.context_tokens,
    maxToolIterations: input.max_tool_iterations,
  };
}

/** Every model must name a configured provider, like in the config file. */
async function checkProviders(db: Database, models: string[]) {
  const wanted = [...new Set(models.map((m) => m.split("/")[0]!))];
  if (!wanted.length) return;
  const known = await db.platform((tx) => tx.select({ id: llmProviders.id }).from(llmProviders).where(inArray(llmProviders.id, wanted)));
  const missing = models.findIndex((m) => !known.some((k) => k.id === m.split("/")[0]));
  if (missing >= 0) throw new KonstructError("bad_request", `models.${missing}: unknown provider '${models[missing]!.split("/")[0]}'`);
}

async function load(db: Database, tenantId: string, id: string | undefined) {
  const [a] = await db.withTenant(tenantId, (tx) => tx.select().from(agents).where(eq(agents.id, idParam(id, "agent"))));
  if (!a) throw new KonstructError("not_found", "no such agent");
  return a;
}

async function editable(db: Database, tenantId: string, id: string | undefined) {
  const a = await load(db, tenantId, id);
  if (a.source === "config") throw new KonstructError("conflict", `agent '${a.slug}' is declared in konstruct.config.yaml: change it there`);
  return a;
}

async function slugFree(db: Database, tenantId: string, slug: string, except?: string) {
  const [dup] = await db.withTenant(tenantId, (tx) => tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, slug)));
  if (dup && dup.id !== except) throw new KonstructError("conflict", `slug: '${slug}' is taken in this tenant`);
}

export const listAgents: Handler = async (deps, { principal, params }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "agents", params.tenantId);
  const rows = await db.withTenant(tenantId, (tx) => tx.select().from(agents).orderBy(agents.slug));
  return { items: rows.map(agentJson) };
};

export const createAgent: Handler = async (deps, { principal, params, body, set, client }) => {
  const { db, tenantId, principal: who } = await tenantScope(deps, principal, "agents", params.tenantId);
  const input = parseBody(agentInput, body);
  await checkProviders(db, input.models);
  await slugFree(db, tenantId, input.slug);
  const [row] = await db.withTenant(tenantId, async (tx) => {
    const rows = await tx.insert(agents).values({ tenantId, ...columns(input) }).returning();
    await recordAgentVersion(tx, rows[0]!.id, who.email, "api");
    return rows;
  });
  await recordConfig(db, { principal, client }, { tenantId, object: "agent", id: row!.id, name: row!.name, before: null, after: asInput(row!) });
  set.status = 201;
  return agentJson(row!);
};

/** One agent with `version`, the number a PATCH passes back to refuse a stale change. */
export const getAgent: Handler = async (deps, { principal, params }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "agents", params.tenantId);
  const a = await load(db, tenantId, params.id);
  const v = await db.withTenant(tenantId, (tx) => latestVersion(tx, a.id));
  return { ...agentJson(a), version: v?.version ?? 0 };
};

/** PATCH's `version`: the one the caller read; optional, so scripts that never read keep working. */
function expectedVersion(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 1e9) throw new KonstructError("bad_request", "version: must be a whole number ≥ 0");
  return v;
}

/** PATCH: the body's fields over the stored ones (budget merged key by key), validated as a whole. */
export const patchAgent: Handler = async (deps, { principal, params, body, client }) => {
  const { db, tenantId, principal: who } = await tenantScope(deps, principal, "agents", params.tenantId);
  const current = await editable(db, tenantId, params.id);
  const { version, ...patch } = (body ?? {}) as Record<string, unknown>;
  const expected = expectedVersion(version);
  const merged = { ...asInput(current), ...patch, budget: { ...asInput(current).budget, ...(patch.budget as object | undefined) } };
  const input = parseBody(agentInput, merged);
  await checkProviders(db, input.models);
  await slugFree(db, tenantId, input.slug, current.id);
  const [row, now] = await db.withTenant(tenantId, async (tx) => {
    // Compared under the row lock: of two scripts that read the same version, the second gets 409.
    await lockAgent(tx, current.id, expected);
    const rows = await tx.update(agents).set({ ...columns(input), updatedAt: new Date() }).where(eq(agents.id, current.id)).returning();
    return [rows[0]!, await recordAgentVersion(tx, current.id, who.email, "api")] as const;
  });
  await recordConfig(db, { principal, client }, { tenantId, object: "agent", id: row.id, name: row.name, before: asInput(current), after: asInput(row) });
  return { ...agentJson(row), version: now };
};

export const deleteAgent: Handler = async (deps, { principal, params, set, client }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "agents", params.tenantId);
  const a = await editable(db, tenantId, params.id);
  await db.withTenant(tenantId, (tx) => tx.delete(agents).where(eq(agents.id, a.id)));
  await recordConfig(db, { principal, client }, { tenantId, object: "agent", id: a.id, name: a.name, before: asInput(a), after: null });
  set.status = 204;
  return null;
};
