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
      <PageHead title="People" scope={p.scope} action="/admin/people" />
      <p class="muted">What the AI employees hold about each person they talk to, by the id their channel gives them. See <code>docs/privacy.md</code>.</p>
      <Flash message={p.flash} />
      {p.erased && (
        <p class="flash" role="status" safe>
          {`Erased: ${Object.entries(p.erased).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k.replace(/_/g, " ")}`).join(", ") || "nothing was stored"}.`}
        </p>
      )}
      {!t || !p.people ? (
        <NoTenant />
      ) : (
        <>
          <form method="get" action="/admin/people" class="inline">
            <input type="hidden" name="tenant" value={t} />
            <Text name="user" label="Person's id" values={{ user: p.person }} hint="e.g. a Slack user id, a Telegram user id, an API call's user" />
            <button type="submit" class="secondary">Show</button>
          </form>
          {p.person ? <Person {...p} q={q(p.person)} /> : ""}
          <h2>People</h2>
          {p.people.length === 0 ? (
            <Empty><p>No one has talked to an AI employee of this tenant yet.</p></Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">Person</th><th scope="col">Memories</th><th scope="col">Last seen</th></tr></thead>
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
      <p><a href={`/admin/people/export${p.q}`} download="person.json">Export as JSON</a></p>
      <h3>What the AI employees remember</h3>
      {p.memories.length === 0 ? (
        <Empty><p>No memories about this person.</p></Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">AI employee</th><th scope="col">Kind</th><th scope="col">Memory</th><th scope="col">Since</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {p.memories.map((m) => (
                <tr id={`memory-${m.id}`}>
                  <td safe>{m.agent}</td><td safe>{m.kind}</td><td><MemoryEdit {...p} m={m} /></td><td>{when(m.createdAt)}</td>
                  <td><PostButton action={`/admin/people/memories/${m.id}/delete${p.q}`} csrf={p.csrf} label="Delete" class="danger" /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Erase this person</h3>
      <p>Deletes their memories, messages, conversations they alone took part in, and the audit entries that name them, in this tenant. This cannot be undone.</p>
      <form method="post" action={`/admin/people/erase?tenant=${p.scope.tenantId}`} class="stack">
        <Csrf token={p.csrf} />
        <input type="hidden" name="user" value={p.person} />
        <Text name="confirm" label="Type the person's id to confirm" required values={{}} errors={p.errors} />
        <button type="submit" class="danger">Erase this person</button>
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
        <summary>Edit</summary>
        <form method="post" action={`/admin/people/memories/${p.m.id}${p.q}`} class="stack">
          <Csrf token={p.csrf} />
          <label for={`${key}-content`}>New text</label>
          <textarea id={`${key}-content`} name="content" rows="3" maxlength="2000" required aria-invalid={error ? "true" : undefined} aria-describedby={error ? `${key}-error` : undefined} safe>{p.m.content}</textarea>
          {error ? <span class="error" id={`${key}-error`} role="alert" safe>{error}</span> : ""}
          <button type="submit">Save memory</button>
        </form>
      </details>
    </>
  );
}
