/** @jsxImportSource @kitajs/html */
import { t } from "../../src/i18n/i18n.ts";
import { roleName } from "./parts.tsx";
import { Csrf, Field, type FieldErrors } from "./form.tsx";

export function InvitePage(props: { csrf: string; token: string; email: string; role: string; errors?: FieldErrors }): JSX.Element {
  return (
    <section class="card">
      <h1>{t("invite.title")}</h1>
      <p>{t("invite.intro", { role: roleName(props.role), email: props.email })}</p>
      <form method="post" action={`/invite/${props.token}`} class="stack">
        <Csrf token={props.csrf} />
        <Field name="password" label={t("common.passwordMin")} type="password" autocomplete="new-password" errors={props.errors} />
        <Field name="confirm" label={t("common.repeatPassword")} type="password" autocomplete="new-password" errors={props.errors} />
        <button type="submit">{t("invite.submit")}</button>
      </form>
    </section>
  );
}

export function InviteGonePage(): JSX.Element {
  return (
    <section class="card">
      <h1>{t("invite.goneTitle")}</h1>
      <p>{t("invite.goneText")}</p>
    </section>
  );
}
