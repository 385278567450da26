/** @jsxImportSource @kitajs/html */
/** Pending approvals: the exact action each paused tool call would take, who asked, until when; Approve / Deny for admins. */
import type { Scope } from "./scope.ts";
import type { Approval } from "../../src/db/schema/index.ts";
import { Csrf, Flash } from "./form.tsx";
import { Empty, NoTenant, PageHead, when } from "./parts.tsx";

export function ApprovalsView(p: { scope: Scope; csrf: string; pending: Approval[] | null; agents: Map<string, string>; admin: boolean; flash?: string }): JSX.Element {
  return (
    <section>
      <PageHead title="Approvals" scope={p.scope} action="/admin/approvals" />
      <Flash message={p.flash} />
      {!p.scope.tenantId || !p.pending ? (
        <NoTenant />
      ) : p.pending.length === 0 ? (
        <Empty>
          <p>Nothing is waiting. When an AI employee wants to take an action that needs a human, it shows up here and in the chat.</p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Tool</th><th scope="col">Action</th><th scope="col">AI employee</th><th scope="col">Asked by</th><th scope="col">Expires</th>{p.admin ? <th scope="col">Decide</th> : ""}</tr>
            </thead>
            <tbody>
              {p.pending.map((a) => (
                <tr id={`approval-${a.id}`}>
                  <td><code safe>{a.tool}</code>{a.skill ? <small safe> (skill {a.skill})</small> : ""}</td>
                  <td><pre class="summary" safe>{a.summary}</pre></td>
                  <td safe>{p.agents.get(a.agentId) ?? "—"}</td>
                  <td safe>{a.requestedBy}</td>
                  <td>{when(a.expiresAt)}</td>
                  {p.admin ? (
                    <td>
                      <form method="post" action={`/admin/approvals/${a.id}/decide?tenant=${p.scope.tenantId}`} class="inline">
                        <Csrf token={p.csrf} />
                        <button type="submit" name="decision" value="approved">Approve</button>
                        <button type="submit" name="decision" value="denied" class="secondary">Deny</button>
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
