/** @jsxImportSource @kitajs/html */
/**
 * People: the tenant's end users (by the id their channel gives them), and for one of them what each
 * AI employee remembers (delete per memory), a JSON export, and "Erase this person" with its
 * confirmation field. After an erasure only counts are shown, never the person's id.
 */
import type { Scope } from "./scope.ts";
import type { PersonSummary } from "../../src/privacy/person.ts";
import { Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash, PostButton } from "./form.tsx";
import { Empty, NoTenant, PageHead, when } from "./parts.tsx";
import { t as tr } from "../../src/i18n/i18n.ts";

export interface PeopleProps {
  scope: Scope;
  csrf: string;
  people: PersonSummary[] | null;
  /** The person shown ('' for none). */
  person: string;
  memories: { id: string; agent: string; kind: string; content: string; createdAt: Date }[];
  flash?: string;
  erased?: Record<string, number>;
  errors?: FieldErrors;
}

export function PeopleView(p: PeopleProps): JSX.Element {
  const t = p.scope.tenantId;
  const q = (user: string) => `?tenant=${t}&user=${encodeURIComponent(user)}`;
  return (
    <section>
      <PageHead title={tr("nav.people")} scope={p.scope} action="/admin/people" />
      <p class="muted">{tr("people.whatTheAiEmployeesHold")}{" "}<code>docs/privacy.md</code>.</p>
      <Flash message={p.flash} />
      {p.erased && (
        <p class="flash" role="status" safe>
          {`${tr("people.erased")} ${Object.entries(p.erased).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k.replace(/_/g, " ")}`).join(", ") || tr("people.nothingStored")}.`}
        </p>
      )}
      {!t || !p.people ? (
        <NoTenant />
      ) : (
        <>
          <form method="get" action="/admin/people" class="inline">
            <input type="hidden" name="tenant" value={t} />
            <Text name="user" label={tr("people.personSId")} values={{ user: p.person }} hint={tr("people.eGASlackUser")} />
            <button type="submit" class="secondary">{tr("people.show")}</button>
          </form>
          {p.person ? <Person {...p} q={q(p.person)} /> : ""}
          <h2>{tr("nav.people")}</h2>
          {p.people.length === 0 ? (
            <Empty><p>{tr("people.noOneHasTalkedTo")}</p></Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">{tr("people.person")}</th><th scope="col">{tr("people.memories")}</th><th scope="col">{tr("people.lastSeen")}</th></tr></thead>
                <tbody>
                  {p.people.map((x) => (
                    <tr><td><a href={`/admin/people${q(x.userKey)}`} safe>{x.userKey}</a></td><td>{String(x.memories)}</td><td>{when(x.lastAt)}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Person(p: PeopleProps & { q: string }): JSX.Element {
  return (
    <div class="person">
      <h2 safe>{p.person}</h2>
      <p><a href={`/admin/people/export${p.q}`} download="person.json">{tr("people.exportAsJson")}</a></p>
      <h3>{tr("people.whatTheAiEmployeesRemember")}</h3>
      {p.memories.length === 0 ? (
        <Empty><p>{tr("people.noMemoriesAboutThisPerson")}</p></Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{tr("dashboard.aiEmployee")}</th><th scope="col">{tr("audit.kind")}</th><th scope="col">{tr("people.memory")}</th><th scope="col">{tr("people.since")}</th><th scope="col">{tr("common.actions")}</th></tr></thead>
            <tbody>
              {p.memories.map((m) => (
                <tr id={`memory-${m.id}`}>
                  <td safe>{m.agent}</td><td safe>{m.kind}</td><td><MemoryEdit {...p} m={m} /></td><td>{when(m.createdAt)}</td>
                  <td><PostButton action={`/admin/people/memories/${m.id}/delete${p.q}`} csrf={p.csrf} label={tr("common.delete")} class="danger" /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>{tr("people.eraseThisPerson")}</h3>
      <p>{tr("people.deletesTheirMemoriesMessagesConversation")}</p>
      <form method="post" action={`/admin/people/erase?tenant=${p.scope.tenantId}`} class="stack">
        <Csrf token={p.csrf} />
        <input type="hidden" name="user" value={p.person} />
        <Text name="confirm" label={tr("people.typeThePersonSId")} required values={{}} errors={p.errors} />
        <button type="submit" class="danger">{tr("people.eraseThisPerson")}</button>
      </form>
    </div>
  );
}

/** The memory's text, and behind "Edit" a form that replaces it (the AI employee recalls it by the new text). */
function MemoryEdit(p: PeopleProps & { q: string; m: PeopleProps["memories"][number] }): JSX.Element {
  const key = `memory-${p.m.id}`;
  const error = p.errors?.[key];
  return (
    <>
      <span safe>{p.m.content}</span>
      <details class="memory-edit" open={Boolean(error)}>
        <summary>{tr("people.edit")}</summary>
        <form method="post" action={`/admin/people/memories/${p.m.id}${p.q}`} class="stack">
          <Csrf token={p.csrf} />
          <label for={`${key}-content`}>{tr("people.newText")}</label>
          <textarea id={`${key}-content`} name="content" rows="3" maxlength="2000" required aria-invalid={error ? "true" : undefined} aria-describedby={error ? `${key}-error` : undefined} safe>{p.m.content}</textarea>
          {error ? <span class="error" id={`${key}-error`} role="alert" safe>{error}</span> : ""}
          <button type="submit">{tr("people.saveMemory")}</button>
        </form>
      </details>
    </>
  );
}
