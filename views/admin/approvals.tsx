/** @jsxImportSource @kitajs/html */
/** Pending approvals: the exact action each paused tool call would take, who asked, until when; Approve / Deny for admins. */
import type { Scope } from "./scope.ts";
import type { Approval } from "../../src/db/schema/index.ts";
import { Csrf, Flash } from "./form.tsx";
import { Empty, NoTenant, PageHead, when } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

export function ApprovalsView(p: { scope: Scope; csrf: string; pending: Approval[] | null; agents: Map<string, string>; admin: boolean; flash?: string }): JSX.Element {
  return (
    <section>
      <PageHead title={t("nav.approvals")} scope={p.scope} action="/admin/approvals" />
      <Flash message={p.flash} />
      {!p.scope.tenantId || !p.pending ? (
        <NoTenant />
      ) : p.pending.length === 0 ? (
        <Empty>
          <p>{t("approvals.nothingIsWaitingWhenAn")}</p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">{t("approvals.tool")}</th><th scope="col">{t("approvals.action")}</th><th scope="col">{t("dashboard.aiEmployee")}</th><th scope="col">{t("approvals.askedBy")}</th><th scope="col">{t("users.expires")}</th>{p.admin ? <th scope="col">{t("approvals.decide")}</th> : ""}</tr>
            </thead>
            <tbody>
              {p.pending.map((a) => (
                <tr id={`approval-${a.id}`}>
                  <td><code safe>{a.tool}</code>{a.skill ? <small safe>{" "}{t("approvals.skill")}{" "}{a.skill})</small> : ""}</td>
                  <td><pre class="summary" safe>{a.summary}</pre></td>
                  <td safe>{p.agents.get(a.agentId) ?? "—"}</td>
                  <td safe>{a.requestedBy}</td>
                  <td>{when(a.expiresAt)}</td>
                  {p.admin ? (
                    <td>
                      <form method="post" action={`/admin/approvals/${a.id}/decide?tenant=${p.scope.tenantId}`} class="inline">
                        <Csrf token={p.csrf} />
                        <button type="submit" name="decision" value="approved">{t("approvals.approve")}</button>
                        <button type="submit" name="decision" value="denied" class="secondary">{t("approvals.deny")}</button>
                      </form>
                    </td>
                  ) : (
                    ""
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
