/** @jsxImportSource @kitajs/html */
/**
 * /admin/knowledge/:id: one document's extracted text and chunks (read by the tenant's operators and
 * admins, a bounded page at a time), and Re-index and Re-extract (from the stored original) for its admins. Everything reads in the scoped
 * tenant: another tenant's document id is a 404.
 */
import { KnowledgeDocumentView } from "../../../views/admin/knowledge-document.tsx";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { CHUNK_PAGE, chunkPage, TEXT_PAGE_CHARS, textPage } from "../../knowledge/preview.ts";
import { canAdmin, requireAdmin } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext as PageCtx } from "../lazy.ts";
import { idParam } from "../request.ts";
import type { AdminDeps } from "../routes.ts";
import { pageScope } from "../scope.ts";

/** Page numbers from the query, clamped: a page past the end shows an empty page, never a huge offset. */
const pageNo = (v: string | undefined, max: number) => Math.min(max, Math.max(1, Math.floor(Number(v)) || 1));

function semanticOf(deps: AdminDeps) {
  const s = deps.knowledge();
  if (!s) throw new KonstructError("db_unavailable", "starting");
  return s;
}

/** GET /admin/knowledge/:id?page=<chunks page>&text=<text part> */
export async function showKnowledgeDocument(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, scope, tenantId } = await pageScope(deps, ctx, "knowledge");
  const id = idParam(ctx.params.id, "document");
  const semantic = semanticOf(deps);
  const doc = tenantId ? await semantic.knowledge.get(tenantId, id) : null;
  if (!tenantId || !doc) throw new KonstructError("not_found", "no such document");
  const textPages = Math.max(1, Math.ceil(((await textPage(db, tenantId, id, 1))?.total ?? 0) / TEXT_PAGE_CHARS));
  const tp = pageNo(ctx.query.text, textPages);
  const cp = pageNo(ctx.query.page, Math.max(1, Math.ceil(doc.chunksTotal / CHUNK_PAGE)));
  const [text, chunks] = await Promise.all([textPage(db, tenantId, id, tp), chunkPage(db, tenantId, id, cp)]);
  return render(
    ctx,
    <KnowledgeDocumentView
      scope={scope} csrf={ctx.csrfToken} admin={canAdmin(p, tenantId)} doc={doc} text={text ?? { text: "", total: 0 }} textPage={tp} textPages={textPages}
      chunks={chunks.chunks} chunkPage={cp} hasNextChunks={chunks.hasNext} model={semantic.embedder.model} flash={flashMessage(ctx.query.flash)}
    />,
    doc.title,
  );
}

/** POST /admin/knowledge/:id/reextract — tenant admins; the same extraction child and limits as an upload. */
export async function reextractKnowledgeDocument(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, tenantId } = await pageScope(deps, ctx, "knowledge");
  if (!tenantId) throw new KonstructError("not_found", "no such document");
  requireAdmin(p, tenantId);
  const id = idParam(ctx.params.id, "document");
  if (!(await semanticOf(deps).knowledge.reextract(tenantId, id))) throw new KonstructError("not_found", "no such document");
  return redirect(ctx.request, withFlash(`/admin/knowledge/${id}?tenant=${tenantId}`, "kb_reextracted"));
}

/** POST /admin/knowledge/:id/reindex — tenant admins; the embedding runs on the job engine like an upload's. */
export async function reindexKnowledgeDocument(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, tenantId } = await pageScope(deps, ctx, "knowledge");
  if (!tenantId) throw new KonstructError("not_found", "no such document");
  requireAdmin(p, tenantId);
  const id = idParam(ctx.params.id, "document");
  if (!(await semanticOf(deps).knowledge.reindex(tenantId, id))) throw new KonstructError("not_found", "no such document");
  return redirect(ctx.request, withFlash(`/admin/knowledge/${id}?tenant=${tenantId}`, "kb_reindexed"));
}
