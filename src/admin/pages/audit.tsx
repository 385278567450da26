/** @jsxImportSource @kitajs/html */
/**
 * /admin/audit, /admin/audit.csv and /admin/audit.json: the tenant's audit trail — what its agents
 * and its people did — filtered, paginated, exported (tenant admins and up). The export is the same
 * selection as the page, bounded by EXPORT_LIMIT.
 */
import { AuditView } from "../../../views/admin/audit.tsx";
import { render } from "../../http/render.ts";
import { listAgents } from "../agents/save.ts";
import { toCsv } from "../csv.ts";
import { filterDate, filterId, filterText, pageNumber } from "../filters.ts";
import { AUDIT_KINDS, type AuditFilter, exportAudit, listAudit } from "../queries/audit.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { pageScope } from "../scope.ts";

function filterOf(q: Record<string, string | undefined>) {
const kind = (AUDIT_KINDS as readonly string[]).includes(q.kind ?? "") ? q.kind : undefined;
return { agent: filterId(q.agent), kind, actor: filterText(q.actor), from: filterDate(q.from), to: filterDate(q.to) };
}

const scoped = async (deps: ConsoleDeps, ctx: AdminContext) => {
  const { db, scope } = await pageScope(deps, ctx, "audit");
  const f = filterOf(ctx.query);
  const query: AuditFilter = { agentId: f.agent, kind: f.kind, actor: f.actor, from: f.from, to: f.to, page: pageNumber(ctx.query.page) };
  return { db, scope, f, query };
};

export const showAudit: Handler = async (deps, ctx) => {
  const { db, scope, f, query } = await scoped(deps, ctx);
  if (!scope.tenantId) return render(ctx, <AuditView scope={scope} page={null} filter={f} agents={[]} />, "Audit log");
  const page = await listAudit(db, scope.tenantId, query);
  return render(ctx, <AuditView scope={scope} page={page} filter={f} agents={await listAgents(db, scope.tenantId)} />, "Audit log");
};

export const exportAuditCsv: Handler = async (deps, ctx) => {
  const { db, scope, query } = await scoped(deps, ctx);
  const rows = scope.tenantId ? await exportAudit(db, scope.tenantId, query) : [];
  const csv = toCsv(
    ["at", "kind", "agent", "conversation_id", "actor", "summary", "data"],
    rows.map((r) => [r.at, r.kind, r.agentName, r.conversationId, r.actor, r.summary, r.data]),
  );
  return new Response(csv, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="audit.csv"' } });
};

export const exportAuditJson: Handler = async (deps, ctx) => {
  const { db, scope, query } = await scoped(deps, ctx);
  const rows = scope.tenantId ? await exportAudit(db, scope.tenantId, query) : [];
  const body = rows.map((r) => ({ at: r.at, kind: r.kind, agent: r.agentName, conversation_id: r.conversationId, actor: r.actor, summary: r.summary, data: r.data }));
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json; charset=utf-8", "content-disposition": 'attachment; filename="audit.json"' } });
};
