/** @jsxImportSource @kitajs/html */
/**
 * /admin/tasks: the tenant's background tasks (filter by status), one task with its transcript and
 * cost, and Cancel for tenant admins (POST /admin/tasks/:id/cancel). A cancel is a row update: the
 * executor's watcher, on whichever replica runs the task, aborts it within a second.
 */
import { eq } from "drizzle-orm";
import { TaskView, TasksView } from "../../../views/admin/tasks.tsx";
import { TASK_STATUSES, type TaskStatus, tasks } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { cancelTasks, listTasks, taskTranscript } from "../../tasks/store.ts";
import { listAgents } from "../agents/save.ts";
import { canAdmin, requireAdmin } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext as PageCtx } from "../lazy.ts";
import { idParam } from "../request.ts";
import type { AdminDeps } from "../routes.ts";
import { pageScope } from "../scope.ts";
import { t } from "../../i18n/i18n.ts";

/** GET /admin/tasks[?status=…] */
export async function showTasks(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { db, scope, tenantId } = await pageScope(deps, ctx, "tasks");
  const status = TASK_STATUSES.includes(ctx.query.status as TaskStatus) ? (ctx.query.status as TaskStatus) : undefined;
  if (!tenantId) return render(ctx, <TasksView scope={scope} tasks={null} agents={new Map()} />, t("nav.tasks"));
  const agents = new Map((await listAgents(db, tenantId)).map((a) => [a.id, a.name]));
  const rows = await db.withTenant(tenantId, (tx) => listTasks(tx, { status, limit: 200 }));
  return render(ctx, <TasksView scope={scope} tasks={rows} agents={agents} status={status} flash={flashMessage(ctx.query.flash)} />, t("nav.tasks"));
}

/** GET /admin/tasks/:id — the task, its transcript and cost. */
export async function showTask(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, scope, tenantId } = await pageScope(deps, ctx, "tasks");
  const id = idParam(ctx.params.id, "task");
  const found = tenantId && (await db.withTenant(tenantId, async (tx) => {
    const [task] = await tx.select().from(tasks).where(eq(tasks.id, id));
    return task && { task, transcript: await taskTranscript(tx, task) };
  }));
  if (!found) throw new KonstructError("not_found", "no such task");
  const agent = (await listAgents(db, tenantId)).find((a) => a.id === found.task.agentId)?.name ?? "—";
  const view = <TaskView scope={scope} csrf={ctx.csrfToken} task={found.task} agent={agent} transcript={found.transcript} admin={canAdmin(p, tenantId)} flash={flashMessage(ctx.query.flash)} />;
  return render(ctx, view, `Task #${found.task.number}`);
}

/** POST /admin/tasks/:id/cancel — tenant admins. */
export async function cancelTaskForm(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, tenantId } = await pageScope(deps, ctx, "tasks");
  if (!tenantId) throw new KonstructError("not_found", "no such task");
  requireAdmin(p, tenantId);
  const id = idParam(ctx.params.id, "task");
  const done = await db.withTenant(tenantId, (tx) => cancelTasks(tx, { ids: [id] }));
  return redirect(ctx.request, withFlash(`/admin/tasks/${id}?tenant=${tenantId}`, done.length ? "task_cancelled" : "task_not_active"));
}
