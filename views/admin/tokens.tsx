/** @jsxImportSource @kitajs/html */
import { Csrf, Field, type FieldErrors, Flash, PostButton } from "./form.tsx";
import { t as tr } from "../../src/i18n/i18n.ts";
import { roleName } from "./parts.tsx";

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const when = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : tr("tokens.never"));

export function TokensPage(props: { csrf: string; role: string; tokens: TokenRow[]; created?: string; flash?: string; errors?: FieldErrors }): JSX.Element {
  return (
    <section class="card">
      <h1>{tr("nav.tokens")}</h1>
      <p class="muted">
        {tr("tokens.personalAccessTokensForThe")}{" "}<a href="/admin/api">{tr("tokens.adminApi")}</a>{tr("tokens.aTokenActsAsYou")}
        <span safe>{roleName(props.role)}</span>{tr("tokens.roleChanges")}
      </p>
      <Flash message={props.flash} />
      {props.created && (
        <div class="flash" role="status">
          <p>{tr("tokens.yourNewTokenCopyIt")}</p>
          <p class="secret-once" safe>{props.created}</p>
        </div>
      )}
      {props.tokens.length === 0 ? (
        <p class="muted">{tr("tokens.noTokensYetCreateOne")}</p>
      ) : (
        <table>
          <thead>
            <tr><th>{tr("common.name")}</th><th>{tr("tokens.token")}</th><th>{tr("common.created")}</th><th>{tr("apiKeys.lastUsed")}</th><th><span class="visually-hidden">{tr("common.actions")}</span></th></tr>
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
                    <span class="muted">{tr("apiKeys.revoked")}</span>
                  ) : (
                    <PostButton action={`/admin/tokens/${t.id}/revoke`} csrf={props.csrf} label={tr("common.revoke")} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{tr("tokens.newToken")}</h2>
      <form method="post" action="/admin/tokens" class="stack">
        <Csrf token={props.csrf} />
        <Field name="name" label={tr("tokens.nameWhatItIsFor")} errors={props.errors} />
        <button type="submit">{tr("tokens.createToken")}</button>
      </form>
    </section>
  );
}
