/** @jsxImportSource @kitajs/html */
import { t } from "../../src/i18n/i18n.ts";
import { Csrf, Field, type FieldErrors } from "./form.tsx";

export function SetupPage(props: { csrf: string; email?: string; errors?: FieldErrors }): JSX.Element {
  return (
    <section class="card">
      <h1>{t("setup.title")}</h1>
      <p>{t("setup.intro")}</p>
      <form method="post" action="/setup" class="stack">
        <Csrf token={props.csrf} />
        <Field name="email" label={t("common.email")} type="email" autocomplete="username" value={props.email} errors={props.errors} />
        <Field name="password" label={t("common.passwordMin")} type="password" autocomplete="new-password" errors={props.errors} />
        <Field name="confirm" label={t("common.repeatPassword")} type="password" autocomplete="new-password" errors={props.errors} />
        <button type="submit">{t("setup.submit")}</button>
      </form>
    </section>
  );
}
