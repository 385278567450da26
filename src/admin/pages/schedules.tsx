/** @jsxImportSource @kitajs/html */
/**
 * /admin/schedules: the tenant's schedules and their recent runs (fired / late / skipped), with
 * Pause, Resume and Delete for tenant admins. A resumed schedule's missed due times follow its
 * missed-run policy at the ticker's next pass (src/schedules/README.md).
 */
import { eq } from "drizzle-orm";
import { SchedulesView } from "../../../views/admin/schedules.tsx";
import { schedules } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { deleteSchedule, listSchedules, recentRuns, setPaused } from "../../schedules/store.ts";
import { listAgents } from "../agents/save.ts";
import { canAdmin, requireAdmin } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext as PageCtx } from "../lazy.ts";
import { idParam } from "../request.ts";
import type { AdminDeps } from "../routes.ts";
import { pageScope } from "../scope.ts";
import { recordConfig } from "../trail/config.ts";
import { t } from "../../i18n/i18n.ts";

/** GET /admin/schedules */
export async function showSchedules(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, scope, tenantId } = await pageScope(deps, ctx, "schedules");
  if (!tenantId) return render(ctx, <SchedulesView scope={scope} csrf={ctx.csrfToken} schedules={null} runs={[]} agents={new Map()} admin={false} />, t("nav.schedules"));
  const agents = new Map((await listAgents(db, tenantId)).map((a) => [a.id, a.name]));
  const [rows, runs] = await db.withTenant(tenantId, async (tx) => [await listSchedules(tx), await recentRuns(tx)] as const);
  const view = <SchedulesView scope={scope} csrf={ctx.csrfToken} schedules={rows} runs={runs} agents={agents} admin={canAdmin(p, tenantId)} flash={flashMessage(ctx.query.flash)} />;
  return render(ctx, view, t("nav.schedules"));
}

/** POST /admin/schedules/:id/pause | resume | delete — tenant admins. */
function scheduleAction(action: "pause" | "resume" | "delete") {
  return async (deps: AdminDeps, ctx: PageCtx): Promise<Response> => {
    const { p, db, tenantId } = await pageScope(deps, ctx, "schedules");
    if (!tenantId) throw new KonstructError("not_found", "no such schedule");
    requireAdmin(p, tenantId);
    const id = idParam(ctx.params.id, "schedule");
    const done = await db.withTenant(tenantId, async (tx) => {
      const [s] = await tx.select({ number: schedules.number }).from(schedules).where(eq(schedules.id, id));
      if (!s) return null;
      return action === "delete" ? deleteSchedule(tx, null, s.number) : setPaused(tx, null, s.number, action === "pause", { author: p.email, source: "console" });
    });
    if (!done) throw new KonstructError("not_found", "no such schedule");
    const [before, after] = action === "delete" ? [{}, null] : [{ paused: action !== "pause" }, { paused: action === "pause" }];
    await recordConfig(db, ctx, { tenantId, object: "schedule", id, name: id, before, after });
    return redirect(ctx.request, withFlash(`/admin/schedules?tenant=${tenantId}`, `schedule_${action}d`));
  };
}

export const pauseScheduleForm = scheduleAction("pause");
export const resumeScheduleForm = scheduleAction("resume");
export const deleteScheduleForm = scheduleAction("delete");
