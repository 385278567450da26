/** @jsxImportSource @kitajs/html */
/** /admin/agents: the Agent Designer — list, create, edit, delete (tenant admins of the tenant). */
import { eq } from "drizzle-orm";
import { AgentFormView, AgentList } from "../../../views/admin/agents.tsx";
import type { FieldErrors } from "../../../views/admin/form.tsx";
import type { Agent } from "../../db/schema/index.ts";
import { channels } from "../../db/schema/index.ts";
import { heartbeatSummary } from "../../heartbeat/runs.ts";
import { redirect, render } from "../../http/render.ts";
import { AGENT_DEFAULTS, agentToForm, deleteAgent, getAgent, listAgents, parseAgentForm, saveAgent } from "../agents/save.ts";
import { pageNumber } from "../filters.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { slicePage } from "../queries/page.ts";
import { formFields, uuidParam } from "../forms.ts";
import { availableProviders } from "../providers/save.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { database } from "../request.ts";
import { pageScope } from "../scope.ts";


/** The tenant acted on, for a principal that administers it. */
const scoped = (deps: ConsoleDeps, ctx: AdminContext) => pageScope(deps, ctx, "agents");
const form = async (deps: ConsoleDeps, ctx: AdminContext, tenantId: string, agent: Agent | null, values: Record<string, string>, errors?: FieldErrors, status = 200) => {
  const db = database(deps);
  const all = await db.withTenant(tenantId, (tx) => tx.select().from(channels).orderBy(channels.name));
  const own = agent ? all.filter((c) => c.agentId === agent.id) : [];
  const heartbeat = agent ? await db.withTenant(tenantId, (tx) => heartbeatSummary(tx, agent.id)) : undefined;
  const view = (
    <AgentFormView csrf={ctx.csrfToken} tenantId={tenantId} agent={agent} values={values} errors={errors} flash={flashMessage(ctx.query.flash)} channels={own} providers={availableProviders(deps.pool(), tenantId)} heartbeat={heartbeat} tenantChannels={all.map((c) => c.name)} />
  );
  return render(ctx, view, agent?.name ?? "New AI employee", status);
};
const save = async (deps: ConsoleDeps, ctx: AdminContext, id: string | null) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const existing = id ? await getAgent(db, tenantId, id) : null;
  const fields = formFields(ctx.body);
  const parsed = parseAgentForm(fields, existing?.escalation?.topics ?? []);
  const result = parsed.ok ? await saveAgent(db, tenantId, id, parsed.value) : { errors: parsed.errors };
  if ("errors" in result) return form(deps, ctx, tenantId, existing, fields, result.errors, 400);
  return redirect(ctx.request, withFlash(`/admin/agents/${result.id}?tenant=${tenantId}`, id ? "saved" : "created"));
};

export const listAgentsPage: Handler = async (deps, ctx) => {
  const { db, scope, tenantId } = await scoped(deps, ctx);
  const agents = slicePage(tenantId ? await listAgents(db, tenantId) : [], pageNumber(ctx.query.page));
  return render(ctx, <AgentList scope={scope} agents={agents} flash={flashMessage(ctx.query.flash)} />, "AI employees");
};

export const newAgent: Handler = async (deps, ctx) => {
  const { tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  return form(deps, ctx, tenantId, null, AGENT_DEFAULTS);
};

export const showAgent: Handler = async (deps, ctx) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const agent = await getAgent(db, tenantId, uuidParam(ctx.params.id, "AI employee"));
  return form(deps, ctx, tenantId, agent, agentToForm(agent));
};

export const createAgent: Handler = (deps, ctx) => save(deps, ctx, null);

export const updateAgent: Handler = (deps, ctx) => save(deps, ctx, uuidParam(ctx.params.id, "AI employee"));

export const removeAgent: Handler = async (deps, ctx) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const id = uuidParam(ctx.params.id, "AI employee");
  await getAgent(db, tenantId, id);
  const live = await db.withTenant(tenantId, (tx) => tx.select({ id: channels.id }).from(channels).where(eq(channels.agentId, id)));
  await deleteAgent(db, tenantId, id);
  for (const c of live) await deps.connections()?.reload(tenantId, c.id);
  return redirect(ctx.request, withFlash(`/admin/agents?tenant=${tenantId}`, "deleted"));
};
