/** @jsxImportSource @kitajs/html */
/** The dashboard: today's figures for one tenant, and what to do next on an empty install. */
import type { DashboardFigures } from "../../src/admin/queries/dashboard.ts";
import type { EscalationFigures } from "../../src/admin/queries/escalations.ts";
import { EscalationsSection } from "./escalations.tsx";
import { t } from "../../src/i18n/i18n.ts";
import type { Scope } from "./scope.ts";
import { Empty, int, NoTenant, PageHead, usd } from "./parts.tsx";

export function DashboardView(props: { scope: Scope; figures: DashboardFigures | null; agents: number; escalations?: EscalationFigures | null; starting?: boolean }): JSX.Element {
  const f = props.figures;
  const errors = f ? f.failedEvents + f.failedSends + f.unknownSends + f.failedLlmCalls : 0;
  return (
    <section>
      <PageHead title={t("dashboard.title")} scope={props.scope} action="/admin" />
      {props.starting ? (
        <p class="notice" id="start-link">
          {t("dashboard.newHere")} <a href={props.scope.tenantId ? `/admin/start?tenant=${props.scope.tenantId}` : "/admin/start"}>{t("dashboard.startLink")}</a>
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
              {t("dashboard.messagesToday")} <strong>{int(f.messagesToday)}</strong>
            </li>
            <li>
              {t("dashboard.activeConversations")} <strong>{int(f.activeConversations)}</strong>
              <span class="muted">{t("dashboard.last24h")}</span>
            </li>
            <li>
              {t("dashboard.errorsToday")} <strong class={errors ? "error" : ""}>{int(errors)}</strong>
              <span class="muted">
                {t("dashboard.errorsDetail", { events: int(f.failedEvents), sends: int(f.failedSends), llm: int(f.failedLlmCalls) })}
                {f.unknownSends ? t("dashboard.unknownSends", { n: int(f.unknownSends) }) : ""}
              </span>
            </li>
            <li>
              {t("dashboard.spendToday")} <strong>{usd(f.spendToday)}</strong>
              <span class="muted">{t("dashboard.thisMonth", { amount: usd(f.spendMonth) })}</span>
            </li>
            <li>
              <a href="/admin/tasks">{t("dashboard.tasks")}</a> <strong>{int(f.tasksRunning)}</strong>
              <span class="muted">
                {t("dashboard.running")}{f.tasksWaiting ? t("dashboard.waitingApproval", { n: int(f.tasksWaiting) }) : ""}, {t("dashboard.queued", { n: int(f.tasksQueued) })}, <span class={f.tasksFailedToday ? "error" : ""}>{t("dashboard.failedToday", { n: int(f.tasksFailedToday) })}</span>
              </span>
            </li>
          </ul>
          {f.satisfaction.length ? (
            <div class="table-wrap">
            <table class="satisfaction">
              <caption>{t("dashboard.satisfaction")}</caption>
              <thead>
                <tr><th scope="col">{t("dashboard.aiEmployee")}</th><th scope="col">{t("dashboard.satisfied")}</th><th scope="col">{t("dashboard.rated")}</th></tr>
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
              <p>{t("dashboard.noAgent")}</p>
              <p>
                <a href="/admin/agents/new">{t("dashboard.designFirst")}</a>{t("dashboard.then")} <a href="/admin/channels">{t("dashboard.connect")}</a> {t("dashboard.orTry")} <a href="/admin/chat">{t("dashboard.webChat")}</a>.
              </p>
            </Empty>
          ) : (
            <p class="actions">
              <a href="/admin/conversations">{t("dashboard.conversations")}</a> <a href="/admin/usage">{t("dashboard.usage")}</a> {errors ? <a href="/admin/audit?kind=error">{t("dashboard.auditErrors")}</a> : ""}
            </p>
          )}
        </>
      )}
    </section>
  );
}
