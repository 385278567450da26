/** @jsxImportSource @kitajs/html */
/** The dashboard: today's figures for one tenant, and what to do next on an empty install. */
import type { DashboardFigures } from "../../src/admin/queries/dashboard.ts";
import type { EscalationFigures } from "../../src/admin/queries/escalations.ts";
import { EscalationsSection } from "./escalations.tsx";
import type { Scope } from "./scope.ts";
import { Empty, int, NoTenant, PageHead, usd } from "./parts.tsx";

export function DashboardView(props: { scope: Scope; figures: DashboardFigures | null; agents: number; escalations?: EscalationFigures | null; starting?: boolean }): JSX.Element {
  const f = props.figures;
  const errors = f ? f.failedEvents + f.failedSends + f.unknownSends + f.failedLlmCalls : 0;
  return (
    <section>
      <PageHead title="Dashboard" scope={props.scope} action="/admin" />
      {props.starting ? (
        <p class="notice" id="start-link">
          New here? <a href={props.scope.tenantId ? `/admin/start?tenant=${props.scope.tenantId}` : "/admin/start"}>Getting started: your first 15 minutes</a>
        </p>
      ) : (
        ""
      )}
      {!props.scope.tenantId || !f ? (
        <NoTenant />
      ) : (
        <>
          <ul class="figures">
            <li>
              Messages today <strong>{int(f.messagesToday)}</strong>
            </li>
            <li>
              Active conversations <strong>{int(f.activeConversations)}</strong>
              <span class="muted">last 24 h</span>
            </li>
            <li>
              Errors today <strong class={errors ? "error" : ""}>{int(errors)}</strong>
              <span class="muted">
                {int(f.failedEvents)} failed events, {int(f.failedSends)} failed sends, {int(f.failedLlmCalls)} failed LLM calls
                {f.unknownSends ? `, ${int(f.unknownSends)} replies of unknown delivery (in doubt after a restart)` : ""}
              </span>
            </li>
            <li>
              Spend today <strong>{usd(f.spendToday)}</strong>
              <span class="muted">this month {usd(f.spendMonth)}</span>
            </li>
            <li>
              <a href="/admin/tasks">Background tasks</a> <strong>{int(f.tasksRunning)}</strong>
              <span class="muted">
                running{f.tasksWaiting ? ` (${int(f.tasksWaiting)} waiting for approval)` : ""}, {int(f.tasksQueued)} queued, <span class={f.tasksFailedToday ? "error" : ""}>{int(f.tasksFailedToday)} failed today</span>
              </span>
            </li>
          </ul>
          {f.satisfaction.length ? (
            <div class="table-wrap">
            <table class="satisfaction">
              <caption>Satisfaction, last 30 days (👍 among rated answers)</caption>
              <thead>
                <tr><th scope="col">AI employee</th><th scope="col">Satisfied</th><th scope="col">Rated</th></tr>
              </thead>
              <tbody>
                {f.satisfaction.map((a) => (
                  <tr>
                    <td safe>{a.name}</td>
                    <td class="num">{`${Math.round((100 * a.up) / a.rated)}%`}</td>
                    <td class="num">{int(a.rated)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          ) : ""}
          {props.escalations && props.scope.tenantId ? <EscalationsSection e={props.escalations} tenantId={props.scope.tenantId} /> : ""}
          {props.agents === 0 ? (
            <Empty>
              <p>No AI employee yet.</p>
              <p>
                <a href="/admin/agents/new">Design the first AI employee</a>, then <a href="/admin/channels">connect it to Slack or Telegram</a> — or try it in the <a href="/admin/chat">web chat</a>.
              </p>
            </Empty>
          ) : (
            <p class="actions">
              <a href="/admin/conversations">Conversations</a> <a href="/admin/usage">Usage &amp; cost</a> {errors ? <a href="/admin/audit?kind=error">Errors in the audit log</a> : ""}
            </p>
          )}
        </>
      )}
    </section>
  );
}
