/** @jsxImportSource @kitajs/html */
/** A tenant's schedules (cron, zone, next run, policy) with Pause/Resume/Delete for tenant admins, and the recent runs. */
import type { Scope } from "./scope.ts";
import type { Schedule, ScheduleRun } from "../../src/db/schema/index.ts";
import { Flash, PauseDelete } from "./form.tsx";
import { Empty, NoTenant, PageHead, when } from "./parts.tsx";
import { t as tr } from "../../src/i18n/i18n.ts";

export function SchedulesView(p: { scope: Scope; csrf: string; schedules: Schedule[] | null; runs: ScheduleRun[]; agents: Map<string, string>; admin: boolean; flash?: string }): JSX.Element {
  const t = p.scope.tenantId;
  const num = new Map((p.schedules ?? []).map((s) => [s.id, s.number]));
  return (
    <section>
      <PageHead title={tr("nav.schedules")} scope={p.scope} action="/admin/schedules" />
      <Flash message={p.flash} />
      {!t || !p.schedules ? (
        <NoTenant />
      ) : p.schedules.length === 0 ? (
        <Empty><p>{tr("schedules.noSchedulesAiEmployeesSet")}</p></Empty>
      ) : (
        <>
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">#</th><th scope="col">{tr("schedules.instruction")}</th><th scope="col">{tr("dashboard.aiEmployee")}</th><th scope="col">{tr("schedules.cron")}</th><th scope="col">{tr("schedules.nextRun")}</th><th scope="col">{tr("schedules.missedRuns")}</th><th scope="col">{tr("common.actions")}</th></tr></thead>
              <tbody>
                {p.schedules.map((s) => (
                  <tr id={`schedule-${s.number}`}>
                    <td>#{s.number}</td>
                    <td safe>{s.instruction.slice(0, 120)}</td>
                    <td safe>{p.agents.get(s.agentId) ?? "—"}</td>
                    <td><code safe>{`${s.cron} (${s.timeZone})`}</code></td>
                    <td>{s.paused ? tr("schedules.paused") : when(s.nextRunAt)}</td>
                    <td safe>{s.missedPolicy.replace("_", " ")}</td>
                    <td><PauseDelete base={`/admin/schedules/${s.id}`} tenant={t} paused={s.paused} csrf={p.csrf} admin={p.admin} />{p.admin ? <a href={`/admin/history/schedule/${s.id}?tenant=${t}`}>{tr("agents.history")}</a> : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{tr("schedules.recentRuns")}</h2>
          {p.runs.length === 0 ? (
            <Empty><p>{tr("schedules.noRunsYet")}</p></Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">{tr("schedules.schedule")}</th><th scope="col">{tr("schedules.due")}</th><th scope="col">{tr("schedules.outcome")}</th><th scope="col">{tr("schedules.task")}</th></tr></thead>
                <tbody>
                  {p.runs.map((r) => (
                    <tr>
                      <td>#{num.get(r.scheduleId) ?? "?"}</td>
                      <td>{when(r.dueAt)}</td>
                      <td safe>{r.status === "late" ? tr("schedules.lateBy", { s: Math.round((r.lateMs ?? 0) / 1000) }) : r.status === "skipped" ? `${tr("schedules.skipped")} ${r.reason ?? ""}` : tr("schedules.fired")}</td>
                      <td>{r.taskId ? <a href={`/admin/tasks/${r.taskId}?tenant=${t}`}>{tr("schedules.task2")}</a> : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
