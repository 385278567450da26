/** @jsxImportSource @kitajs/html */
/**
 * /admin/audit, /admin/audit.csv and /admin/audit.json: the tenant's audit trail — what its agents
 * and its people did — filtered, paginated, exported (tenant admins and up). The export is the same
 * selection as the page, bounded by EXPORT_LIMIT. `?trail=platform` is the platform's trail
 * (platform_audit: platform admins' sign-ins, failures naming no account, platform providers),
 * for platform admins alone.
 */
import { AuditView } from "../../../views/admin/audit.tsx";
import { render } from "../../http/render.ts";
import { listAgents } from "../agents/save.ts";
import { isPlatformAdmin, requirePlatform } from "../auth/principal.ts";
import { toCsv } from "../csv.ts";
import { filterDate, filterId, filterText, pageNumber } from "../filters.ts";
import { AUDIT_KINDS, type AuditFilter, type AuditRow, exportAudit, exportPlatformAudit, listAudit, listPlatformAudit } from "../queries/audit.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { pageScope } from "../scope.ts";
import { t } from "../../i18n/i18n.ts";

function filterOf(q: Record<string, string | undefined>) {
  const kind = (AUDIT_KINDS as readonly string[]).includes(q.kind ?? "") ? q.kind : undefined;
  return { agent: filterId(q.agent), kind, actor: filterText(q.actor), from: filterDate(q.from), to: filterDate(q.to) };
}

const scoped = async (deps: ConsoleDeps, ctx: AdminContext) => {
  const { p, db, scope } = await pageScope(deps, ctx, "audit");
  const platform = ctx.query.trail === "platform";
  if (platform) requirePlatform(p);
  const f = filterOf(ctx.query);
  const query: AuditFilter = { agentId: f.agent, kind: f.kind, actor: f.actor, from: f.from, to: f.to, page: pageNumber(ctx.query.page) };
  return { p, db, scope, f, query, platform };
};

export const showAudit: Handler = async (deps, ctx) => {
  const { p, db, scope, f, query, platform } = await scoped(deps, ctx);
  const trail = platform ? "platform" : isPlatformAdmin(p) ? "tenant-of-platform" : "tenant";
  if (platform) return render(ctx, <AuditView scope={scope} page={await listPlatformAudit(db, query)} filter={f} agents={[]} trail={trail} />, t("audit.auditLog"));
  if (!scope.tenantId) return render(ctx, <AuditView scope={scope} page={null} filter={f} agents={[]} trail={trail} />, t("audit.auditLog"));
  const page = await listAudit(db, scope.tenantId, query);
  return render(ctx, <AuditView scope={scope} page={page} filter={f} agents={await listAgents(db, scope.tenantId)} trail={trail} />, t("audit.auditLog"));
};

const exported = async (deps: ConsoleDeps, ctx: AdminContext): Promise<AuditRow[]> => {
  const { db, scope, query, platform } = await scoped(deps, ctx);
  if (platform) return exportPlatformAudit(db, query);
  return scope.tenantId ? exportAudit(db, scope.tenantId, query) : [];
};

export const exportAuditCsv: Handler = async (deps, ctx) => {
  const rows = await exported(deps, ctx);
  const csv = toCsv(
    ["at", "kind", "agent", "conversation_id", "actor", "summary", "data"],
    rows.map((r) => [r.at, r.kind, r.agentName, r.conversationId, r.actor, r.summary, r.data]),
  );
  return new Response(csv, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="audit.csv"' } });
};

export const exportAuditJson: Handler = async (deps, ctx) => {
  const rows = await exported(deps, ctx);
  const body = rows.map((r) => ({ at: r.at, kind: r.kind, agent: r.agentName, conversation_id: r.conversationId, actor: r.actor, summary: r.summary, data: r.data }));
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json; charset=utf-8", "content-disposition": 'attachment; filename="audit.json"' } });
};
