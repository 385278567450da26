/** @jsxImportSource @kitajs/html */
/** Background tasks of a tenant: a list filtered by status, and one task with its transcript (model and tool calls, cost) and Cancel. */
import type { Scope } from "./scope.ts";
import { type AuditEntry, TASK_STATUSES, type Task } from "../../src/db/schema/index.ts";
import { Flash, PostButton } from "./form.tsx";
import { Empty, NoTenant, PageHead, usd, when } from "./parts.tsx";
import { t as tr } from "../../src/i18n/i18n.ts";

const ACTIVE = new Set(["queued", "running", "waiting_approval"]);

export function TasksView(p: { scope: Scope; tasks: Task[] | null; agents: Map<string, string>; status?: string; flash?: string }): JSX.Element {
  const t = p.scope.tenantId;
  return (
    <section>
      <PageHead title={tr("nav.tasks")} scope={p.scope} action="/admin/tasks" />
      <Flash message={p.flash} />
      {!t || !p.tasks ? (
        <NoTenant />
      ) : (
        <>
          <nav class="filters" aria-label={tr("common.status")}>
            <a href={`/admin/tasks?tenant=${t}`} aria-current={p.status ? undefined : "page"}>{tr("tasks.all")}</a>
            {TASK_STATUSES.map((s) => (
              <a href={`/admin/tasks?tenant=${t}&status=${s}`} aria-current={p.status === s ? "page" : undefined} safe>{s.replace("_", " ")}</a>
            ))}
          </nav>
          {p.tasks.length === 0 ? (
            <Empty><p>{tr("tasks.noTasks")}{p.status ? ` ${p.status.replace("_", " ")}` : ""}. {tr("tasks.startOne")}</p></Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">#</th><th scope="col">{tr("tasks.goal")}</th><th scope="col">{tr("dashboard.aiEmployee")}</th><th scope="col">{tr("common.status")}</th><th scope="col">{tr("tasks.steps")}</th><th scope="col">{tr("tasks.spend")}</th><th scope="col">{tr("tasks.started")}</th></tr></thead>
                <tbody>
                  {p.tasks.map((x) => (
                    <tr id={`task-${x.number}`}>
                      <td><a href={`/admin/tasks/${x.id}?tenant=${t}`}>#{x.number}</a></td>
                      <td safe>{x.goal.slice(0, 120)}</td>
                      <td safe>{p.agents.get(x.agentId) ?? "—"}</td>
                      <td safe>{x.status.replace("_", " ")}</td>
                      <td>{x.steps}</td>
                      <td>{usd(Number(x.spendUsd))}</td>
                      <td>{when(x.createdAt)}</td>
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

export function TaskView(p: { scope: Scope; csrf: string; task: Task; agent: string; transcript: AuditEntry[]; admin: boolean; flash?: string }): JSX.Element {
  const x = p.task;
  return (
    <section>
      <PageHead title={`Task #${x.number}`} />
      <Flash message={p.flash} />
      <dl class="facts">
        <dt>{tr("tasks.goal")}</dt><dd safe>{x.goal}</dd>
        {x.context ? <><dt>{tr("tasks.context")}</dt><dd><pre class="summary" safe>{x.context}</pre></dd></> : ""}
        {x.expectedOutput ? <><dt>{tr("tasks.expectedOutput")}</dt><dd safe>{x.expectedOutput}</dd></> : ""}
        <dt>{tr("dashboard.aiEmployee")}</dt><dd safe>{p.agent}</dd>
        <dt>{tr("approvals.askedBy")}</dt><dd safe>{x.requestedBy || "—"}</dd>
        <dt>{tr("common.status")}</dt><dd safe>{x.status.replace("_", " ")}</dd>
        <dt>{tr("tasks.steps")}</dt><dd>{x.steps}</dd>
        <dt>{tr("tasks.spend")}</dt><dd>{usd(Number(x.spendUsd))}</dd>
        <dt>{tr("common.created")}</dt><dd>{when(x.createdAt)}</dd>
        <dt>{tr("tasks.finished")}</dt><dd>{when(x.finishedAt)}</dd>
        {x.result ? <><dt>{tr("tasks.result")}</dt><dd><pre class="summary" safe>{x.result}</pre></dd></> : ""}
        {x.error ? <><dt>{tr("conversations.error")}</dt><dd safe>{x.error}</dd></> : ""}
      </dl>
      {p.admin && ACTIVE.has(x.status) ? <PostButton action={`/admin/tasks/${x.id}/cancel?tenant=${x.tenantId}`} csrf={p.csrf} label={tr("tasks.cancelTask")} /> : ""}
      <h2>{tr("tasks.transcript")}</h2>
      {p.transcript.length === 0 ? (
        <Empty><p>{tr("tasks.nothingRecordedYet")}</p></Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{tr("audit.when")}</th><th scope="col">{tr("audit.kind")}</th><th scope="col">{tr("apiDocs.what")}</th><th scope="col">{tr("agentHeartbeat.cost")}</th></tr></thead>
            <tbody>
              {p.transcript.map((e) => (
                <tr>
                  <td>{when(e.at)}</td>
                  <td safe>{e.kind.replace("_", " ")}</td>
                  <td>
                    <details>
                      <summary safe>{e.summary}</summary>
                      <pre class="summary" safe>{JSON.stringify(e.data, null, 2).slice(0, 4000)}</pre>
                    </details>
                  </td>
                  <td>{typeof (e.data as { costUsd?: number } | null)?.costUsd === "number" ? usd((e.data as { costUsd: number }).costUsd) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
