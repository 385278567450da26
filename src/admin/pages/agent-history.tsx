/** @jsxImportSource @kitajs/html */
/**
 * /admin/agents/:id/history: an AI employee's versions (src/versions/) with a diff each, and "Roll back to
 * this version" (POST, CSRF-checked by adminAuth) — tenant admins of the agent's tenant only; another
 * tenant's agent is a 404 (RLS: its rows are not visible).
 */
import { AgentHistoryView } from "../../../views/admin/agent-history.tsx";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { listAgentVersions, rollbackAgent } from "../../versions/agent.ts";
import { diffSnapshots } from "../../versions/diff.ts";
import { getAgent } from "../agents/save.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { formFields, isUniqueViolation, uuidParam } from "../forms.ts";
import type { Handler } from "../lazy.ts";
import { pageScope } from "../scope.ts";

/** Versions shown on one page; older ones stay stored. */
const SHOWN = 100;

export const showAgentHistory: Handler = async (deps, ctx) => {
  const { db, tenantId } = await pageScope(deps, ctx, "agents");
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const agent = await getAgent(db, tenantId, uuidParam(ctx.params.id, "AI employee"));
  // One more than shown: the oldest shown version is diffed against the one before it.
  const rows = await db.withTenant(tenantId, (tx) => listAgentVersions(tx, agent.id, SHOWN + 1));
  const entries = rows.slice(0, SHOWN).map((v, i) => ({ version: v, changes: diffSnapshots(rows[i + 1]?.config ?? null, v.config) }));
  const view = <AgentHistoryView csrf={ctx.csrfToken} tenantId={tenantId} agentId={agent.id} name={agent.name} entries={entries} current={rows[0]?.version ?? 0} flash={flashMessage(ctx.query.flash)} />;
  return render(ctx, view, `History of ${agent.name}`);
};

export const rollbackAgentForm: Handler = async (deps, ctx) => {
  const { db, tenantId } = await pageScope(deps, ctx, "agents");
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const agent = await getAgent(db, tenantId, uuidParam(ctx.params.id, "AI employee"));
  const v = formFields(ctx.body).version ?? "";
  if (!/^\d{1,9}$/.test(v)) throw new KonstructError("not_found", "no such version");
  const back = `/admin/agents/${agent.id}/history?tenant=${tenantId}`;
  try {
    await db.withTenant(tenantId, (tx) => rollbackAgent(tx, agent.id, Number(v), ctx.principal?.email ?? "console"));
  } catch (e) {
    if (isUniqueViolation(e)) return redirect(ctx.request, withFlash(back, "rollback_slug_taken"));
    throw e;
  }
  return redirect(ctx.request, withFlash(back, "rolled_back"));
};
