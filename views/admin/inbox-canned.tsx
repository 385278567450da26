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
import { t } from "../../src/i18n/i18n.ts";

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
      <p><a href={`/admin/inbox${q}`}>{t("inboxCanned.inbox")}</a></p>
      <PageHead title={t("inboxCanned.cannedReplies")} scope={p.scope} action="/admin/inbox/canned" />
      <Flash message={p.flash} />
      <p class="muted">{t("inboxCanned.savedAnswersThePeopleOf")}</p>
      {p.rows.length === 0 ? (
        <Empty><p>{t("inboxCanned.noCannedReplyYet")}</p></Empty>
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
        <h2>{p.editing ? t("inboxCanned.editCanned") : t("inboxCanned.addCanned")}</h2>
        <Csrf token={p.csrf} />
        {p.editing ? <input type="hidden" name="id" value={p.editing} /> : ""}
        <Text name="title" label={t("inboxCanned.title")} values={p.values} errors={p.errors} required hint={t("inboxCanned.shownInTheMenuUnder")} />
        <Area name="body" label={t("inboxCanned.text")} rows={4} values={p.values} errors={p.errors} />
        <div class="actions">
          <button type="submit">{p.editing ? t("common.save") : t("inboxCanned.add")}</button>
          {p.editing ? <a href={`/admin/inbox/canned${q}`}>{t("common.cancel")}</a> : ""}
        </div>
      </form>
    </section>
  );
}
