/** @jsxImportSource @kitajs/html */
/**
 * /admin/knowledge/agents/:id: which documents one AI employee's kb_search may read (tenant admins;
 * CSRF like every console form). Only ids of this tenant's documents are stored (scope.ts), so a
 * posted id of another tenant's document is dropped, and another tenant's agent id is a 404.
 */
import { KnowledgeAgentView } from "../../../views/admin/knowledge-agent.tsx";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { agentKnowledgeScope, MAX_SCOPED_DOCUMENTS, setAgentKnowledgeScope } from "../../knowledge/scope.ts";
import { getAgent } from "../agents/save.ts";
import { requireAdmin } from "../auth/principal.ts";
import { withFlash } from "../flash.ts";
import type { AdminContext as PageCtx } from "../lazy.ts";
import { formText, idParam } from "../request.ts";
import type { AdminDeps } from "../routes.ts";
import { pageScope } from "../scope.ts";

async function scoped(deps: AdminDeps, ctx: PageCtx) {
  const s = await pageScope(deps, ctx, "knowledge");
  if (!s.tenantId) throw new KonstructError("not_found", "no such AI employee");
  requireAdmin(s.p, s.tenantId);
  const agent = await getAgent(s.db, s.tenantId, idParam(ctx.params.id, "AI employee"));
  return { ...s, tenantId: s.tenantId, agent };
}

/** GET /admin/knowledge/agents/:id */
export async function showAgentKnowledge(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { db, scope, tenantId, agent } = await scoped(deps, ctx);
  const semantic = deps.knowledge();
  if (!semantic) throw new KonstructError("db_unavailable", "starting");
  const [documents, current] = await Promise.all([semantic.knowledge.list(tenantId), agentKnowledgeScope(db, tenantId, agent.id, { titles: false })]);
  return render(
    ctx,
    <KnowledgeAgentView scope={scope} csrf={ctx.csrfToken} agent={{ id: agent.id, name: agent.name }} documents={documents.map((d) => ({ id: d.id, title: d.title, filename: d.filename }))} selected={current?.documentIds ?? null} />,
    `Knowledge of ${agent.name}`,
  );
}

/** POST /admin/knowledge/agents/:id — mode=all|some, documents=<id>… */
export async function saveAgentKnowledge(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { db, tenantId, agent } = await scoped(deps, ctx);
  const raw = (ctx.body as Record<string, unknown> | null)?.documents;
  const posted = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v): v is string => typeof v === "string");
  if (posted.length > MAX_SCOPED_DOCUMENTS) throw new KonstructError("bad_request", `at most ${MAX_SCOPED_DOCUMENTS} documents`);
  const all = formText(ctx.body, "mode") !== "some";
  await setAgentKnowledgeScope(db, tenantId, agent.id, all ? null : posted);
  return redirect(ctx.request, withFlash(`/admin/knowledge?tenant=${tenantId}`, "kb_scope_saved"));
}
