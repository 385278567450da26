/** @jsxImportSource @kitajs/html */
/** The audit log: filters (tenant, agent, kind, actor, time), a page of entries with their detail, CSV/JSON export. */
import { AUDIT_KINDS, type AuditRow } from "../../src/admin/queries/audit.ts";
import type { Page } from "./page.ts";
import type { Scope } from "./scope.ts";
import type { Agent } from "../../src/db/schema/index.ts";
import { Choice, Text } from "./fields.tsx";
import { Empty, NoTenant, PageHead, Pager, when } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";
import { describeEntry, kindLabel } from "../../src/admin/trail/describe.ts";

/** tenant: a tenant's trail; tenant-of-platform: the same, seen by a platform admin (links to the platform's); platform: platform_audit. */
export type Trail = "tenant" | "tenant-of-platform" | "platform";

export function AuditView(p: { scope: Scope; page: Page<AuditRow> | null; filter: Record<string, string | undefined>; agents: Agent[]; trail: Trail }): JSX.Element {
  const platform = p.trail === "platform";
  const params = new URLSearchParams();
  const scopeParams = platform ? { trail: "platform" } : { tenant: p.scope.tenantId ?? undefined };
  for (const [k, v] of Object.entries({ ...p.filter, ...scopeParams })) if (v) params.set(k, v);
  return (
    <section>
      <PageHead title={platform ? t("audit.auditLogPlatform") : t("audit.auditLog")} scope={platform ? undefined : p.scope} action="/admin/audit">
        {p.trail === "tenant-of-platform" ? <a href="/admin/audit?trail=platform">{t("audit.platformTrail")}</a> : ""}
        {platform ? <a href="/admin/audit">{t("audit.tenantsTrails")}</a> : ""}
        {p.scope.tenantId || platform ? (
          <>
            <a href={`/admin/audit.csv?${params}`} download="audit.csv">{t("audit.exportCsv")}</a> <a href={`/admin/audit.json?${params}`} download="audit.json">{t("audit.exportJson")}</a>
          </>
        ) : (
          ""
        )}
      </PageHead>
      {!p.page ? (
        <NoTenant />
      ) : (
        <>
          <form method="get" action="/admin/audit" class="inline filters" aria-label={t("audit.filterTheAuditLog")}>
            {platform ? <input type="hidden" name="trail" value="platform" /> : <input type="hidden" name="tenant" value={p.scope.tenantId ?? ""} />}
            {platform ? "" : <Choice name="agent" label={t("dashboard.aiEmployee")} values={p.filter} options={[{ value: "", label: t("common.all") }, ...p.agents.map((a) => ({ value: a.id, label: a.name }))]} />}
            <Choice name="kind" label={t("audit.kind")} values={p.filter} options={[{ value: "", label: t("common.all") }, ...AUDIT_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))]} />
            <Text name="actor" label={t("audit.actorEMail")} values={p.filter} />
            <Text name="from" label={t("audit.from")} type="date" values={p.filter} />
            <Text name="to" label={t("audit.to")} type="date" values={p.filter} />
            <button type="submit">{t("audit.filter")}</button>
          </form>
          {p.page.rows.length === 0 ? (
            <Empty>
              <p>{t("audit.noEntry")}{" "}{Object.values(p.filter).some(Boolean) ? t("audit.matchesFilters") : t("audit.yetEverything")}</p>
            </Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">{t("audit.when")}</th><th scope="col">{t("audit.kind")}</th><th scope="col">{t("dashboard.aiEmployee")}</th><th scope="col">{t("audit.actor")}</th><th scope="col">{t("audit.summary")}</th></tr></thead>
                <tbody>
                  {p.page.rows.map((r) => (
                    <tr>
                      <td>{when(r.at)}</td>
                      <td safe>{kindLabel(r.kind)}</td>
                      <td safe>{r.agentName ?? "—"}</td>
                      <td safe>{r.actor}</td>
                      <td>
                        <details>
                          <summary safe>{describeEntry(r)}</summary>
                          {r.conversationId && p.scope.tenantId ? <p><a href={`/admin/conversations/${r.conversationId}?tenant=${p.scope.tenantId}`}>{t("audit.openTheConversation")}</a></p> : ""}
                          <pre class="code" safe>{JSON.stringify(r.data, null, 2)}</pre>
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager base="/admin/audit" params={{ ...p.filter, ...scopeParams }} page={p.page.page} hasNext={p.page.hasNext} />
        </>
      )}
    </section>
  );
}
