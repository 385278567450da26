/** @jsxImportSource @kitajs/html */
/**
 * Canned replies (tenant admins): the tenant's saved answers and one form — a new one, or the one
 * named by `?edit=` (one form per page keeps the fields' ids unique). Operators do not come here;
 * they pick a canned reply under the reply box of a handoff (inbox.tsx).
 */
import type { CannedReply } from "../../src/db/schema/index.ts";
import type { Scope } from "./scope.ts";
import { Area, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash, PostButton } from "./form.tsx";
import { Empty, PageHead } from "./parts.tsx";

export interface CannedProps {
  scope: Scope;
  csrf: string;
  rows: CannedReply[];
  /** The reply being edited (absent: the form adds one). */
  editing?: string;
  values: Record<string, string>;
  errors?: FieldErrors;
  flash?: string;
}

const snippet = (s: string) => (s.length > 120 ? `${s.slice(0, 119)}…` : s);

export function CannedView(p: CannedProps): JSX.Element {
  const q = `?tenant=${p.scope.tenantId}`;
  return (
    <section>
      <p><a href={`/admin/inbox${q}`}>← Inbox</a></p>
      <PageHead title="Canned replies" scope={p.scope} action="/admin/inbox/canned" />
      <Flash message={p.flash} />
      <p class="muted">Saved answers the people of this tenant insert into the reply box of a handoff, then edit and send.</p>
      {p.rows.length === 0 ? (
        <Empty><p>No canned reply yet.</p></Empty>
      ) : (
        <ul class="inbox">
          {p.rows.map((r) => (
            <li>
              <a href={`/admin/inbox/canned${q}&edit=${r.id}`}><strong safe>{r.title}</strong></a>
              <small class="muted" safe>{snippet(r.body)}</small>
              <PostButton action={`/admin/inbox/canned/${r.id}/delete${q}`} csrf={p.csrf} label={`Delete`} />
            </li>
          ))}
        </ul>
      )}
      <form method="post" action={`/admin/inbox/canned${q}`} class="card stack wide">
        <h2>{p.editing ? "Edit canned reply" : "Add a canned reply"}</h2>
        <Csrf token={p.csrf} />
        {p.editing ? <input type="hidden" name="id" value={p.editing} /> : ""}
        <Text name="title" label="Title" values={p.values} errors={p.errors} required hint="Shown in the menu under the reply box, e.g. “Refund timeline”." />
        <Area name="body" label="Text" rows={4} values={p.values} errors={p.errors} />
        <div class="actions">
          <button type="submit">{p.editing ? "Save" : "Add"}</button>
          {p.editing ? <a href={`/admin/inbox/canned${q}`}>Cancel</a> : ""}
        </div>
      </form>
    </section>
  );
}
