/** @jsxImportSource @kitajs/html */
/** The dashboard's "Escalations" section: handoff rate and human response times for a period. */
import type { EscalationFigures, EscalationTimes } from "../../src/admin/queries/escalations.ts";
import { PERIODS } from "../../src/admin/queries/escalations.ts";
import { int } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

/** 95 → "1m 35s"; null → "—". */
export function duration(s: number | null): string {
  if (s === null) return "—";
  const n = Math.round(s);
  if (n < 60) return `${n}s`;
  if (n < 3600) return `${Math.floor(n / 60)}m ${n % 60}s`;
  if (n < 86_400) return `${Math.floor(n / 3600)}h ${Math.floor((n % 3600) / 60)}m`;
  return `${Math.floor(n / 86_400)}d ${Math.floor((n % 86_400) / 3600)}h`;
}

function Times(props: { t: EscalationTimes }): JSX.Element {
  const t = props.t;
  return (
    <>
      <td>{duration(t.firstReplyMedian)}</td>
      <td>{duration(t.firstReplyP90)}</td>
      <td>{duration(t.resolutionMedian)}</td>
      <td>{duration(t.resolutionP90)}</td>
    </>
  );
}

const timeHeads = (
  <>
    <th>{t("escalations.firstReplyMedian")}</th>
    <th>{t("escalations.firstReplyP90")}</th>
    <th>{t("escalations.resolutionMedian")}</th>
    <th>{t("escalations.resolutionP90")}</th>
  </>
);

export function EscalationsSection(props: { e: EscalationFigures; tenantId: string }): JSX.Element {
  const e = props.e;
  return (
    <section id="escalations">
      <h2>{t("escalations.escalations")}</h2>
      <p class="muted">
        {t("escalations.last")}{" "}{int(e.days)} days:{" "}
        {PERIODS.map((d) => (d === e.days ? <strong>{t("escalations.days", { n: int(d) })} </strong> : <a href={`/admin?tenant=${encodeURIComponent(props.tenantId)}&days=${d}#escalations`}>{t("escalations.days", { n: int(d) })} </a>))}
      </p>
      {e.agents.length === 0 ? (
        <p class="muted">{t("escalations.noConversationInThisPeriod")}</p>
      ) : (
        <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t("dashboard.aiEmployee")}</th>
              <th>{t("escalations.handoffs")}</th>
              <th>{t("nav.conversations")}</th>
              <th>{t("escalations.rate")}</th>
              {timeHeads}
            </tr>
          </thead>
          <tbody>
            {e.agents.map((a) => (
              <tr>
                <td safe>{a.agentSlug}</td>
                <td>{int(a.handoffs)}</td>
                <td>{int(a.conversations)}</td>
                <td>{a.rate === null ? "—" : `${(a.rate * 100).toFixed(1)}%`}</td>
                <Times t={a} />
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {e.reasons.length ? (
        <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t("escalations.reasonRule")}</th>
              <th>{t("escalations.handoffs")}</th>
              {timeHeads}
            </tr>
          </thead>
          <tbody>
            {e.reasons.map((r) => (
              <tr>
                <td safe>{r.reason}</td>
                <td>{int(r.handoffs)}</td>
                <Times t={r} />
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      ) : (
        ""
      )}
    </section>
  );
}
