/** @jsxImportSource @kitajs/html */
import { t } from "../../src/i18n/i18n.ts";
import { Csrf, Field, Flash } from "./form.tsx";

export function LoginPage(props: { csrf: string; next?: string; email?: string; error?: string; sso?: string }): JSX.Element {
  return (
    <section class="card">
      <h1>{t("login.title")}</h1>
      <Flash message={props.error} error />
      <form method="post" action="/login" class="stack">
        <Csrf token={props.csrf} />
        <input type="hidden" name="next" value={props.next ?? ""} />
        <Field name="email" label={t("common.email")} type="email" autocomplete="username" value={props.email} />
        <Field name="password" label={t("common.password")} type="password" autocomplete="current-password" />
        <button type="submit">{t("login.submit")}</button>
      </form>
      <p>
        <a href="/login/forgot">{t("login.forgot")}</a>
      </p>
      {props.sso ? (
        <p class="sso">
          <a class="button secondary" href={`/login/oidc${props.next && props.next !== "/admin" ? `?next=${encodeURIComponent(props.next)}` : ""}`}>
            <span>{t("login.sso", { provider: props.sso })}</span>
          </a>
        </p>
      ) : (
        ""
      )}
    </section>
  );
}
