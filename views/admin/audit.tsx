/** @jsxImportSource @kitajs/html */
/** The audit log: filters (tenant, agent, kind, actor, time), a page of entries with their detail, CSV/JSON export. */
import { AUDIT_KINDS, type AuditRow } from "../../src/admin/queries/audit.ts";
import type { Page } from "./page.ts";
import type { Scope } from "./scope.ts";
import type { Agent } from "../../src/db/schema/index.ts";
import { Choice, Text } from "./fields.tsx";
import { Empty, NoTenant, PageHead, Pager, when } from "./parts.tsx";

/** tenant: a tenant's trail; tenant-of-platform: the same, seen by a platform admin (links to the platform's); platform: platform_audit. */
export type Trail = "tenant" | "tenant-of-platform" | "platform";

export function AuditView(p: { scope: Scope; page: Page<AuditRow> | null; filter: Record<string, string | undefined>; agents: Agent[]; trail: Trail }): JSX.Element {
  const platform = p.trail === "platform";
  const params = new URLSearchParams();
  const scopeParams = platform ? { trail: "platform" } : { tenant: p.scope.tenantId ?? undefined };
  for (const [k, v] of Object.entries({ ...p.filter, ...scopeParams })) if (v) params.set(k, v);
  return (
    <section>
      <PageHead title={platform ? "Audit log — platform" : "Audit log"} scope={platform ? undefined : p.scope} action="/admin/audit">
        {p.trail === "tenant-of-platform" ? <a href="/admin/audit?trail=platform">Platform trail</a> : ""}
        {platform ? <a href="/admin/audit">Tenants' trails</a> : ""}
        {p.scope.tenantId || platform ? (
          <>
            <a href={`/admin/audit.csv?${params}`} download="audit.csv">Export CSV</a> <a href={`/admin/audit.json?${params}`} download="audit.json">Export JSON</a>
          </>
        ) : (
          ""
        )}
      </PageHead>
      {!p.page ? (
        <NoTenant />
      ) : (
        <>
          <form method="get" action="/admin/audit" class="inline filters" aria-label="Filter the audit log">
            {platform ? <input type="hidden" name="trail" value="platform" /> : <input type="hidden" name="tenant" value={p.scope.tenantId ?? ""} />}
            {platform ? "" : <Choice name="agent" label="AI employee" values={p.filter} options={[{ value: "", label: "All" }, ...p.agents.map((a) => ({ value: a.id, label: a.name }))]} />}
            <Choice name="kind" label="Kind" values={p.filter} options={[{ value: "", label: "All" }, ...AUDIT_KINDS.map((k) => ({ value: k, label: k.replace("_", " ") }))]} />
            <Text name="actor" label="Actor (e-mail)" values={p.filter} />
            <Text name="from" label="From" type="date" values={p.filter} />
            <Text name="to" label="To" type="date" values={p.filter} />
            <button type="submit">Filter</button>
          </form>
          {p.page.rows.length === 0 ? (
            <Empty>
              <p>No entry {Object.values(p.filter).some(Boolean) ? "matches these filters" : "yet: every message, LLM call, tool call, reply and refusal, and every sign-in and change made in the console, is recorded here"}.</p>
            </Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col">AI employee</th><th scope="col">Actor</th><th scope="col">Summary</th></tr></thead>
                <tbody>
                  {p.page.rows.map((r) => (
                    <tr>
                      <td>{when(r.at)}</td>
                      <td safe>{r.kind}</td>
                      <td safe>{r.agentName ?? "—"}</td>
                      <td safe>{r.actor}</td>
                      <td>
                        <details>
                          <summary safe>{r.summary}</summary>
                          {r.conversationId && p.scope.tenantId ? <p><a href={`/admin/conversations/${r.conversationId}?tenant=${p.scope.tenantId}`}>Open the conversation</a></p> : ""}
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
