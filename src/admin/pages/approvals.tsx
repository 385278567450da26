/** @jsxImportSource @kitajs/html */
/**
 * /admin/approvals: tool calls of the tenant's AI employees waiting for a human. Tenant admins
 * approve or deny (POST /admin/approvals/:id/decide, decision=approved|denied); deciding continues
 * the paused turn exactly like the button in the chat (approvals/index.ts decideApproval), and of
 * two deciders only the first changes anything. Operators see the list only.
 */
import { ApprovalsView } from "../../../views/admin/approvals.tsx";
import { decideApproval, listPendingApprovals } from "../../approvals/index.ts";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { listAgents } from "../agents/save.ts";
import { canAdmin, requireAdmin } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { formText, idParam } from "../request.ts";
import type { AdminContext as PageCtx } from "../lazy.ts";
import type { AdminDeps } from "../routes.ts";
import { pageScope } from "../scope.ts";
import { recordPerson } from "../trail/record.ts";
import { t } from "../../i18n/i18n.ts";

/** GET /admin/approvals — a plain (deps, ctx) handler, registered in ../routes.ts. */
export async function showApprovals(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, scope, tenantId } = await pageScope(deps, ctx, "approvals");
  const flash = flashMessage(ctx.query.flash);
  if (!tenantId) return render(ctx, <ApprovalsView scope={scope} csrf={ctx.csrfToken} pending={null} agents={new Map()} admin={false} />, t("nav.approvals"));
  const agents = new Map((await listAgents(db, tenantId)).map((a) => [a.id, a.name]));
  const pending = await listPendingApprovals(db, tenantId);
  return render(ctx, <ApprovalsView scope={scope} csrf={ctx.csrfToken} pending={pending} agents={agents} admin={canAdmin(p, tenantId)} flash={flash} />, t("nav.approvals"));
}

/** POST /admin/approvals/:id/decide — decision=approved|denied, tenant admins only. */
export async function decideApprovalForm(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, tenantId } = await pageScope(deps, ctx, "approvals");
  if (!tenantId) throw new KonstructError("not_found", "no such approval");
  requireAdmin(p, tenantId);
  const decision = formText(ctx.body, "decision");
  if (decision !== "approved" && decision !== "denied") throw new KonstructError("bad_request", "decision: must be 'approved' or 'denied'");
  const flow = deps.approvals();
  if (!flow) throw new KonstructError("db_unavailable", "starting");
  const id = idParam(ctx.params.id, "approval");
  const decided = await decideApproval(flow, { tenantId, id, decision, actor: `console:${p.email}` });
  if (decided) await recordPerson(db, p, ctx.client.ip, { kind: "approval.decided", tenantId, summary: `approval ${decision}`, data: { approval: id, decision } });
  return redirect(ctx.request, withFlash(`/admin/approvals?tenant=${tenantId}`, decided ? decision : "already_decided"));
}
