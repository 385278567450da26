/** @jsxImportSource @kitajs/html */
/**
 * /admin/knowledge: the tenant's knowledge base — the /kb htmx partials (upload with progress
 * polling, list, delete) inside the console. Operators read; the upload form and delete buttons are
 * for tenant admins, and the /kb and /api/v1/kb routes refuse operators on their own.
 */
import { KnowledgeView } from "../../../views/admin/knowledge.tsx";
import { render } from "../../http/render.ts";
import { KonstructError } from "../../errors.ts";
import { listAgents } from "../agents/save.ts";
import { canAdmin } from "../auth/principal.ts";
import type { AdminContext as PageCtx } from "../lazy.ts";
import type { AdminDeps } from "../routes.ts";
import { getTenant } from "../tenants/save.ts";
import { pageScope } from "../scope.ts";
import { t } from "../../i18n/i18n.ts";

/** GET /admin/knowledge — a plain (deps, ctx) handler, registered in ../routes.ts. */
export async function showKnowledge(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, scope, tenantId } = await pageScope(deps, ctx, "knowledge");
  if (!tenantId) return render(ctx, <KnowledgeView scope={scope} slug="" documents={null} admin={false} />, t("nav.knowledge"));
  const semantic = deps.knowledge();
  if (!semantic) throw new KonstructError("db_unavailable", "starting");
  const [documents, agents] = await Promise.all([semantic.knowledge.list(tenantId), listAgents(db, tenantId)]);
  // Count the scoped documents that still exist (a deleted one stays listed on the agent, matching nothing).
  const present = new Set(documents.map((d) => d.id));
  const scopes = agents.map((a) => ({ id: a.id, name: a.name, documents: a.knowledgeDocuments ? a.knowledgeDocuments.filter((id) => present.has(id)).length : null }));
  // The partials name the tenant by slug; the page uses the same URLs.
  const { slug } = await getTenant(db, tenantId);
  return render(ctx, <KnowledgeView scope={scope} slug={slug} documents={documents} admin={canAdmin(p, tenantId)} agents={scopes} />, t("nav.knowledge"));
}
