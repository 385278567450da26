/** @jsxImportSource @kitajs/html */
/** Forgotten password: ask for a link by e-mail; then, from the link, a new password twice. */
import { t } from "../../src/i18n/i18n.ts";
import { Csrf, Field, type FieldErrors, Flash } from "./form.tsx";

export function ForgotPage(props: { csrf: string; notice?: string; error?: string }): JSX.Element {
  return (
    <section class="card">
      <h1>{t("reset.forgotTitle")}</h1>
      <Flash message={props.notice} />
      <Flash message={props.error} error />
      <p class="muted">{t("reset.forgotHint")}</p>
      <form method="post" action="/login/forgot" class="stack">
        <Csrf token={props.csrf} />
        <Field name="email" label={t("common.email")} type="email" autocomplete="username" />
        <button type="submit">{t("reset.send")}</button>
      </form>
      <p>
        <a href="/login">{t("reset.back")}</a>
      </p>
    </section>
  );
}

export function ResetPage(props: { csrf: string; token: string; email: string; errors?: FieldErrors }): JSX.Element {
  return (
    <section class="card">
      <h1>{t("reset.title")}</h1>
      <p class="muted">{t("reset.for", { email: props.email })}</p>
      {props.errors?.form && <p class="error" role="alert" safe>{props.errors.form}</p>}
      <form method="post" action={`/login/reset/${props.token}`} class="stack">
        <Csrf token={props.csrf} />
        <input type="text" name="username" value={props.email} autocomplete="username" hidden />
        <Field name="password" label={t("password.new")} type="password" autocomplete="new-password" errors={props.errors} />
        <Field name="confirm" label={t("password.repeat")} type="password" autocomplete="new-password" errors={props.errors} />
        <button type="submit">{t("reset.submit")}</button>
      </form>
    </section>
  );
}
