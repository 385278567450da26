/** @jsxImportSource @kitajs/html */
/** GET /admin: the dashboard (messages today, active conversations, errors, spend; escalations over ?days=7|30|90) of one tenant. */
import { t } from "../../i18n/i18n.ts";
import { DashboardView } from "../../../views/admin/dashboard.tsx";
import { render } from "../../http/render.ts";
import { listAgents } from "../agents/save.ts";
import type { Handler } from "../lazy.ts";
import { dashboardFigures } from "../queries/dashboard.ts";
import { escalationFigures, periodOf } from "../queries/escalations.ts";
import { firstRunComplete, firstRunOf } from "../queries/first-run.ts";
import { pageScope } from "../scope.ts";

export const showDashboard: Handler = async (deps, ctx) => {
  const { db, scope } = await pageScope(deps, ctx, "dashboard");
  const figures = scope.tenantId ? await dashboardFigures(db, scope.tenantId) : null;
  const escalations = scope.tenantId ? await escalationFigures(db, scope.tenantId, periodOf(ctx.query.days)) : null;
  const agents = scope.tenantId ? (await listAgents(db, scope.tenantId)).length : 0;
  // Linked while the tenant's first answer has not gone out (or no tenant exists yet).
  const starting = scope.tenantId ? !firstRunComplete(await firstRunOf(db, scope.tenantId)) : true;
  return render(ctx, <DashboardView scope={scope} figures={figures} agents={agents} escalations={escalations} starting={starting} />, t("dashboard.title"));
};
