/** @jsxImportSource @kitajs/html */
/** GET /admin: the dashboard (messages today, active conversations, errors, spend) of one tenant. */
import { Elysia } from "elysia";
import { DashboardView } from "../../../views/admin/dashboard.tsx";
import { render } from "../../http/render.ts";
import { adminAuth } from "../auth/plugin.ts";
import { listAgents } from "../agents/save.ts";
import { dashboardFigures } from "../queries/dashboard.ts";
import type { AdminDeps } from "../routes.ts";
import { pageScope } from "../scope.ts";

export const dashboardPage = (deps: AdminDeps) =>
  new Elysia().use(adminAuth(deps)).get("/admin", async (ctx) => {
    const { db, scope } = await pageScope(deps, ctx, "dashboard");
    const figures = scope.tenantId ? await dashboardFigures(db, scope.tenantId) : null;
    const agents = scope.tenantId ? (await listAgents(db, scope.tenantId)).length : 0;
    return render(ctx, <DashboardView scope={scope} figures={figures} agents={agents} />, "Dashboard");
  });
