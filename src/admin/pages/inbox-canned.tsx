/** @jsxImportSource @kitajs/html */
/**
 * /admin/inbox/canned: a tenant's canned replies (src/handoff/canned.ts), written by its tenant admins;
 * operators only read them (under the reply box of a handoff, inbox.tsx). Every statement runs in the
 * scoped tenant's transaction, so another tenant's id is a 404 and its replies never show.
 */
import { CannedView } from "../../../views/admin/inbox-canned.tsx";
import { CANNED_BODY_MAX, CANNED_TITLE_MAX, findCanned, listCanned, removeCanned, saveCanned } from "../../handoff/canned.ts";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { requireAdmin } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { formText, idParam } from "../request.ts";
import { pageScope } from "../scope.ts";
import { ownerOf } from "./inbox.tsx";
import { t } from "../../i18n/i18n.ts";

async function adminScope(deps: ConsoleDeps, ctx: AdminContext) {
  const s = await pageScope(deps, ctx, "inbox");
  if (!s.tenantId) throw new KonstructError("not_found", "choose a tenant");
  requireAdmin(s.p, s.tenantId);
  return { ...s, tenantId: s.tenantId };
}

/** GET — the list and one form (`?edit=<id>` fills it with that reply). */
export const showCanned: Handler = async (deps, ctx) => {
  const { db, scope, tenantId } = await adminScope(deps, ctx);
  const editing = ctx.query.edit ? await findCanned(db, tenantId, idParam(ctx.query.edit, "canned reply")) : null;
  if (ctx.query.edit && !editing) throw new KonstructError("not_found", "no such canned reply");
  const values = { title: editing?.title ?? "", body: editing?.body ?? "" };
  return render(ctx, <CannedView scope={scope} csrf={ctx.csrfToken} rows={await listCanned(db, tenantId)} editing={editing?.id} values={values} flash={flashMessage(ctx.query.flash)} />, t("inboxCanned.cannedReplies"));
};

/** POST — title, body, and id when it changes one. */
export const saveCannedForm: Handler = async (deps, ctx) => {
  const { p, db, scope, tenantId } = await adminScope(deps, ctx);
  const rawId = formText(ctx.body, "id");
  const id = rawId ? idParam(rawId, "canned reply") : null;
  const values = { title: formText(ctx.body, "title").slice(0, CANNED_TITLE_MAX + 1), body: formText(ctx.body, "body").slice(0, CANNED_BODY_MAX + 1) };
  const wrong = await saveCanned(db, tenantId, id, values, ownerOf(p));
  if (!wrong) return redirect(ctx.request, withFlash(`/admin/inbox/canned?tenant=${tenantId}`, "saved"));
  const view = <CannedView scope={scope} csrf={ctx.csrfToken} rows={await listCanned(db, tenantId)} editing={id ?? undefined} values={values} errors={{ [wrong.field]: wrong.error }} />;
  return render(ctx, view, t("inboxCanned.cannedReplies"), 400);
};

export const deleteCannedForm: Handler = async (deps, ctx) => {
  const { p, db, tenantId } = await adminScope(deps, ctx);
  if (!(await removeCanned(db, tenantId, idParam(ctx.params.id, "canned reply"), ownerOf(p)))) throw new KonstructError("not_found", "no such canned reply");
  return redirect(ctx.request, withFlash(`/admin/inbox/canned?tenant=${tenantId}`, "deleted"));
};
