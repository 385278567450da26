/** @jsxImportSource @kitajs/html */
import { Csrf, Field, type FieldErrors, Flash, PostButton } from "./form.tsx";

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const when = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : "never");

export function TokensPage(props: { csrf: string; role: string; tokens: TokenRow[]; created?: string; flash?: string; errors?: FieldErrors }): JSX.Element {
  return (
    <section class="card">
      <h1>API tokens</h1>
      <p class="muted">
        Personal access tokens for the <a href="/admin/api">admin API</a>. A token acts as you, with your role (
        <span safe>{props.role.replace("_", " ")}</span>): if your role changes, so does what it can do.
      </p>
      <Flash message={props.flash} />
      {props.created && (
        <div class="flash" role="status">
          <p>Your new token. Copy it now: it is shown only once.</p>
          <p class="secret-once" safe>{props.created}</p>
        </div>
      )}
      {props.tokens.length === 0 ? (
        <p class="muted">No tokens yet. Create one below to call the API.</p>
      ) : (
        <table>
          <thead>
            <tr><th>Name</th><th>Token</th><th>Created</th><th>Last used</th><th><span class="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            {props.tokens.map((t) => (
              <tr>
                <td safe>{t.name}</td>
                <td><code safe>{`${t.prefix}…`}</code></td>
                <td safe>{when(t.createdAt)}</td>
                <td safe>{when(t.lastUsedAt)}</td>
                <td>
                  {t.revokedAt ? (
                    <span class="muted">revoked</span>
                  ) : (
                    <PostButton action={`/admin/tokens/${t.id}/revoke`} csrf={props.csrf} label="Revoke" />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>New token</h2>
      <form method="post" action="/admin/tokens" class="stack">
        <Csrf token={props.csrf} />
        <Field name="name" label="Name (what it is for)" errors={props.errors} />
        <button type="submit">Create token</button>
      </form>
    </section>
  );
}
