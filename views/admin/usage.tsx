/** @jsxImportSource @kitajs/html */
/** Usage & cost: a date range, cost per day as an SVG chart, and the figures per day, agent and model. */
import { BarChart } from "./chart.tsx";
import type { UsageRange, UsageReport, UsageTotals } from "../../src/admin/queries/usage.ts";
import type { Scope } from "./scope.ts";
import type { Agent } from "../../src/db/schema/index.ts";
import { Choice, Text } from "./fields.tsx";
import type { FieldErrors } from "./form.tsx";
import { Empty, int, NoTenant, PageHead, usd } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

function Cells(props: { t: UsageTotals }): JSX.Element {
  return (
    <>
      <td>{int(props.t.calls)}</td>
      <td>{int(props.t.failedCalls)}</td>
      <td>{int(props.t.promptTokens)}</td>
      <td>{int(props.t.completionTokens)}</td>
      <td>{usd(props.t.costUsd)}</td>
    </>
  );
}

const HEAD = ["usage.calls", "usage.failed", "usage.promptTokens", "usage.completionTokens", "agentHeartbeat.cost"] as const;

function Table(props: { first: string; rows: { label: string; t: UsageTotals }[] }): JSX.Element {
  return (
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col" safe>{props.first}</th>{HEAD.map((h) => <th scope="col">{t(h)}</th>)}</tr></thead>
        <tbody>{props.rows.map((r) => <tr><th scope="row" safe>{r.label}</th><Cells t={r.t} /></tr>)}</tbody>
      </table>
    </div>
  );
}

/** The heartbeat's beats and spend per agent: idle beats are counted with 0 tokens. */
function HeartbeatShare(props: { rows: UsageReport["heartbeat"] }): JSX.Element {
  if (!props.rows.length) return <></>;
  return (
    <>
      <h2>{t("agentHeartbeat.heartbeat")}</h2>
      <p class="muted">{t("usage.beatsInThisRangeThe")}</p>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">{t("dashboard.aiEmployee")}</th><th scope="col">{t("usage.beats")}</th><th scope="col">{t("usage.withAModelCall")}</th><th scope="col">{t("agentHeartbeat.tokens")}</th><th scope="col">{t("agentHeartbeat.cost")}</th></tr></thead>
          <tbody>
            {props.rows.map((r) => (
              <tr><th scope="row" safe>{r.agentName}</th><td>{int(r.runs)}</td><td>{int(r.modelCalls)}</td><td>{int(r.tokens)}</td><td>{usd(r.costUsd)}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function UsageView(p: { scope: Scope; range: UsageRange; report: UsageReport | null; days: UsageReport["byDay"]; agents: Agent[]; errors?: FieldErrors }): JSX.Element {
  const values = { from: p.range.from, to: p.range.to, agent: p.range.agentId ?? "" };
  return (
    <section>
      <PageHead title={t("usage.usageCost")} scope={p.scope} action="/admin/usage" />
      {!p.scope.tenantId || !p.report ? (
        <NoTenant />
      ) : (
        <>
          <form method="get" action="/admin/usage" class="inline filters" aria-label={t("usage.dateRange")}>
            <input type="hidden" name="tenant" value={p.scope.tenantId} />
            <Text name="from" label={t("audit.from")} type="date" values={values} errors={p.errors} />
            <Text name="to" label={t("audit.to")} type="date" values={values} errors={p.errors} />
            <Choice name="agent" label={t("dashboard.aiEmployee")} values={values} options={[{ value: "", label: t("common.all") }, ...p.agents.map((a) => ({ value: a.id, label: a.name }))]} />
            <button type="submit">{t("people.show")}</button>
          </form>
          <ul class="figures">
            <li>{t("usage.llmCalls")}{" "}<strong>{int(p.report.total.calls)}</strong><span class="muted">{int(p.report.total.failedCalls)} failed</span></li>
            <li>{t("agentHeartbeat.tokens")}{" "}<strong>{int(p.report.total.promptTokens + p.report.total.completionTokens)}</strong></li>
            <li>{t("agentHeartbeat.cost")}{" "}<strong>{usd(p.report.total.costUsd)}</strong></li>
          </ul>
          {p.report.total.calls === 0 ? (
            <Empty><p>{t("usage.noLlmCallInThis")}</p></Empty>
          ) : (
            <>
              <h2>{t("usage.costPerDay")}</h2>
              <BarChart id="cost-chart" title={`${t("usage.costPerDay")}, ${p.range.from} – ${p.range.to}`} xLabel={t("usage.dayUtc")} yLabel="USD" points={p.days.map((d) => ({ x: d.day, y: d.costUsd }))} format={(y) => `$${y < 1 ? y.toFixed(3) : y.toFixed(2)}`} />
              <h2>{t("usage.callsPerDay")}</h2>
              <BarChart id="calls-chart" title={`${t("usage.callsPerDay")}, ${p.range.from} – ${p.range.to}`} xLabel={t("usage.dayUtc")} yLabel={t("usage.calls")} points={p.days.map((d) => ({ x: d.day, y: d.calls }))} integer />
              <h2>{t("usage.perAiEmployee")}</h2>
              <Table first={t("dashboard.aiEmployee")} rows={p.report.byAgent.map((r) => ({ label: r.agentName, t: r }))} />
              <h2>{t("usage.perModel")}</h2>
              <Table first={t("usage.model")} rows={p.report.byModel.map((r) => ({ label: r.model, t: r }))} />
              <h2>{t("usage.perDay")}</h2>
              <Table first={t("usage.day")} rows={p.report.byDay.map((r) => ({ label: r.day, t: r }))} />
            </>
          )}
          <HeartbeatShare rows={p.report.heartbeat} />
        </>
      )}
    </section>
  );
}
