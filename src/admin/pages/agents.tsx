/** @jsxImportSource @kitajs/html */
/** /admin/agents: the Agent Designer — list, create, edit, delete (tenant admins of the tenant). */
import { eq } from "drizzle-orm";
import { Elysia } from "elysia";
import { AgentFormView, AgentList } from "../../../views/admin/agents.tsx";
import type { FieldErrors } from "../../../views/admin/form.tsx";
import type { Agent } from "../../db/schema/index.ts";
import { channels } from "../../db/schema/index.ts";
import { redirect, render } from "../../http/render.ts";
import { AGENT_DEFAULTS, agentToForm, deleteAgent, getAgent, listAgents, parseAgentForm, saveAgent } from "../agents/save.ts";
import { adminAuth } from "../auth/plugin.ts";
import type { PageCtx } from "../page-context.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { formFields, uuidParam } from "../forms.ts";
import { availableProviders } from "../providers/save.ts";
import { database } from "../request.ts";
import type { AdminDeps } from "../routes.ts";
import { pageScope } from "../scope.ts";

type Ctx = PageCtx;

export function agentsPage(deps: AdminDeps) {
  /** The tenant acted on, for a principal that administers it. */
  const scoped = (ctx: PageCtx) => pageScope(deps, ctx, "agents");
  const form = async (ctx: Ctx, tenantId: string, agent: Agent | null, values: Record<string, string>, errors?: FieldErrors, status = 200) => {
    const db = database(deps);
    const own = agent ? await db.withTenant(tenantId, (tx) => tx.select().from(channels).where(eq(channels.agentId, agent.id))) : [];
    const view = (
      <AgentFormView csrf={ctx.csrfToken} tenantId={tenantId} agent={agent} values={values} errors={errors} flash={flashMessage(ctx.query.flash)} channels={own} providers={availableProviders(deps.pool(), tenantId)} />
    );
    return render(ctx, view, agent?.name ?? "New AI employee", status);
  };
  const save = async (ctx: Ctx, id: string | null) => {
    const { db, tenantId } = await scoped(ctx);
    if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
    const existing = id ? await getAgent(db, tenantId, id) : null;
    const fields = formFields(ctx.body);
    const parsed = parseAgentForm(fields);
    const result = parsed.ok ? await saveAgent(db, tenantId, id, parsed.value) : { errors: parsed.errors };
    if ("errors" in result) return form(ctx, tenantId, existing, fields, result.errors, 400);
    return redirect(ctx.request, withFlash(`/admin/agents/${result.id}?tenant=${tenantId}`, id ? "saved" : "created"));
  };

  return new Elysia()
    .use(adminAuth(deps))
    .get("/admin/agents", async (ctx) => {
      const { db, scope, tenantId } = await scoped(ctx);
      const agents = tenantId ? await listAgents(db, tenantId) : [];
      return render(ctx, <AgentList scope={scope} agents={agents} flash={flashMessage(ctx.query.flash)} />, "AI employees");
    })
    .get("/admin/agents/new", async (ctx) => {
      const { tenantId } = await scoped(ctx);
      if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
      return form(ctx, tenantId, null, AGENT_DEFAULTS);
    })
    .get("/admin/agents/:id", async (ctx) => {
      const { db, tenantId } = await scoped(ctx);
      if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
      const agent = await getAgent(db, tenantId, uuidParam(ctx.params.id, "AI employee"));
      return form(ctx, tenantId, agent, agentToForm(agent));
    })
    .post("/admin/agents", (ctx) => save(ctx, null))
    .post("/admin/agents/:id", (ctx) => save(ctx, uuidParam(ctx.params.id, "AI employee")))
    .post("/admin/agents/:id/delete", async (ctx) => {
      const { db, tenantId } = await scoped(ctx);
      if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
      const id = uuidParam(ctx.params.id, "AI employee");
      await getAgent(db, tenantId, id);
      const live = await db.withTenant(tenantId, (tx) => tx.select({ id: channels.id }).from(channels).where(eq(channels.agentId, id)));
      await deleteAgent(db, tenantId, id);
      for (const c of live) await deps.connections()?.reload(tenantId, c.id);
      return redirect(ctx.request, withFlash(`/admin/agents?tenant=${tenantId}`, "deleted"));
    });
}
