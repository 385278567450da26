/** @jsxImportSource @kitajs/html */
/**
 * /admin/agents: the Agent Designer — list, create, edit, delete (tenant admins of the tenant), and
 * "Hire from template": the list offers the role templates (src/templates/), `/admin/agents/new?template=<id>`
 * opens the form pre-filled from one, and saving it is an ordinary create.
 */
import { eq } from "drizzle-orm";
import { AgentFormView, AgentList } from "../../../views/admin/agents.tsx";
import type { FieldErrors } from "../../../views/admin/form.tsx";
import type { Agent } from "../../db/schema/index.ts";
import { channels } from "../../db/schema/index.ts";
import { heartbeatSummary } from "../../heartbeat/runs.ts";
import { redirect, render } from "../../http/render.ts";
import { KonstructError } from "../../errors.ts";
import { AGENT_DEFAULTS, agentToForm, deleteAgent, getAgent, listAgents, parseAgentForm, saveAgent } from "../agents/save.ts";
import { pageNumber } from "../filters.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { slicePage } from "../queries/page.ts";
import { formFields, uuidParam, versionField } from "../forms.ts";
import { localizeFieldErrors } from "../form-errors.ts";
import { availableProviders } from "../providers/save.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { database } from "../request.ts";
import { pageScope } from "../scope.ts";
import { listTemplates } from "../../templates/catalog.ts";
import type { RoleTemplate } from "../../templates/format.ts";
import { modelHint, templateToForm } from "../agents/template-form.ts";
import { suggestedChain } from "../agents/suggest-chain.ts";
import { basename } from "node:path";
import { recordConfig } from "../trail/config.ts";
import { latestVersion } from "../../versions/agent.ts";
import { t } from "../../i18n/i18n.ts";


/** The tenant acted on, for a principal that administers it. */
const scoped = (deps: ConsoleDeps, ctx: AdminContext) => pageScope(deps, ctx, "agents");
const form = async (deps: ConsoleDeps, ctx: AdminContext, tenantId: string, agent: Agent | null, values: Record<string, string>, errors?: FieldErrors, status = 200, template?: RoleTemplate) => {
  const db = database(deps);
  const all = await db.withTenant(tenantId, (tx) => tx.select().from(channels).orderBy(channels.name));
  const own = agent ? all.filter((c) => c.agentId === agent.id) : [];
  const heartbeat = agent ? await db.withTenant(tenantId, (tx) => heartbeatSummary(tx, agent.id)) : undefined;
  const view = (
    <AgentFormView csrf={ctx.csrfToken} tenantId={tenantId} agent={agent} values={values} errors={errors && localizeFieldErrors(errors)} flash={flashMessage(ctx.query.flash)} channels={own} providers={availableProviders(deps.pool(), tenantId)} heartbeat={heartbeat} tenantChannels={all.map((c) => c.name)} template={template ? { id: template.id, title: template.title, modelHint: modelHint(template) } : undefined} />
  );
  return render(ctx, view, agent?.name ?? t("agents.newAiEmployee"), status);
};
const save = async (deps: ConsoleDeps, ctx: AdminContext, id: string | null) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const existing = id ? await getAgent(db, tenantId, id) : null;
  const fields = formFields(ctx.body);
  const parsed = parseAgentForm(fields, existing?.escalation?.topics ?? []);
  const expected = id ? versionField(fields.version) : undefined;
  const by = { author: ctx.principal?.email ?? "console", source: "console" as const, expected };
  const result = parsed.ok ? await saveAgent(db, tenantId, id, parsed.value, by) : { errors: parsed.errors };
  if ("errors" in result) return form(deps, ctx, tenantId, existing, fields, result.errors, 400);
  const saved = await getAgent(db, tenantId, result.id);
  await recordConfig(db, ctx, { tenantId, object: "agent", id: result.id, name: saved.name, before: existing ? agentToForm(existing) : null, after: agentToForm(saved) });
  return redirect(ctx.request, withFlash(`/admin/agents/${result.id}?tenant=${tenantId}`, id ? "saved" : "created"));
};

export const listAgentsPage: Handler = async (deps, ctx) => {
  const { db, scope, tenantId } = await scoped(deps, ctx);
  const agents = slicePage(tenantId ? await listAgents(db, tenantId) : [], pageNumber(ctx.query.page));
  const catalog = listTemplates(deps.config.data_dir);
  // Only the file's name: the data dir's location is the operator's business.
  const problems = catalog.problems.map((p) => `${basename(p.file)}: ${p.field}: ${p.message}`);
  return render(ctx, <AgentList scope={scope} agents={agents} flash={flashMessage(ctx.query.flash)} templates={catalog.templates} templateProblems={problems} />, t("agents.aiEmployees"));
};

export const newAgent: Handler = async (deps, ctx) => {
  const { tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const id = ctx.query.template;
  const template = id ? listTemplates(deps.config.data_dir).templates.find((t) => t.id === id) : undefined;
  if (id && !template) throw new KonstructError("not_found", "no such template");
  // Pre-filled from what is configured (suggest-chain.ts); with a template, its hint says what fits.
  const models = await suggestedChain(database(deps), deps.pool(), tenantId);
  if (!template) return form(deps, ctx, tenantId, null, { ...AGENT_DEFAULTS, models: models.join("\n") });
  return form(deps, ctx, tenantId, null, templateToForm(template, { models }), undefined, 200, template);
};

export const showAgent: Handler = async (deps, ctx) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const agent = await getAgent(db, tenantId, uuidParam(ctx.params.id, "AI employee"));
  const version = await db.withTenant(tenantId, async (tx) => (await latestVersion(tx, agent.id))?.version ?? 0);
  return form(deps, ctx, tenantId, agent, { ...agentToForm(agent), version: String(version) });
};

export const createAgent: Handler = (deps, ctx) => save(deps, ctx, null);

export const updateAgent: Handler = (deps, ctx) => save(deps, ctx, uuidParam(ctx.params.id, "AI employee"));

export const removeAgent: Handler = async (deps, ctx) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const id = uuidParam(ctx.params.id, "AI employee");
  const gone = await getAgent(db, tenantId, id);
  const live = await db.withTenant(tenantId, (tx) => tx.select({ id: channels.id }).from(channels).where(eq(channels.agentId, id)));
  await deleteAgent(db, tenantId, id);
  await recordConfig(db, ctx, { tenantId, object: "agent", id, name: gone.name, before: agentToForm(gone), after: null });
  for (const c of live) await deps.connections()?.reload(tenantId, c.id);
  return redirect(ctx.request, withFlash(`/admin/agents?tenant=${tenantId}`, "deleted"));
};
