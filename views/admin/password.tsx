/** @jsxImportSource @kitajs/html */
/** The signed-in user's account: the console language, then the password (current, new twice). */
import { LOCALE_NAMES, LOCALES, t } from "../../src/i18n/i18n.ts";
import { Csrf, Field, type FieldErrors, Flash } from "./form.tsx";

export interface PasswordPageProps {
  csrf: string;
  email: string;
  /** The saved language; null follows the browser. */
  locale: string | null;
  flash?: string;
  errors?: FieldErrors;
}

export function PasswordPage(props: PasswordPageProps): JSX.Element {
  return (
    <>
      <Flash message={props.flash} />
      <section class="card" aria-labelledby="h-language">
        <h1 id="h-language">{t("account.languageTitle")}</h1>
        <p class="muted">{t("account.languageHint")}</p>
        <form method="post" action="/admin/account/locale" class="inline">
          <Csrf token={props.csrf} />
          <Field name="locale" label={t("account.language")}>
            <select id="f-locale" name="locale">
              <option value="" selected={!props.locale}>{t("account.auto")}</option>
              {LOCALES.map((l) => (
                <option value={l} lang={l} selected={props.locale === l}>{LOCALE_NAMES[l]}</option>
              ))}
            </select>
          </Field>
          <button type="submit">{t("account.saveLanguage")}</button>
        </form>
      </section>
      <section class="card" aria-labelledby="h-two-factor">
        <h2 id="h-two-factor">{t("twoFactor.title")}</h2>
        <p class="muted">{t("twoFactor.offText")}</p>
        <p>
          <a href="/admin/two-factor">{t("twoFactor.title")}</a>
        </p>
      </section>
      <section class="card" aria-labelledby="h-password">
        <h2 id="h-password">{t("password.title")}</h2>
        <p class="muted">{t("password.for", { email: props.email })}</p>
        {props.errors?.form && <p class="error" role="alert" safe>{props.errors.form}</p>}
        <form method="post" action="/admin/password" class="stack">
          <Csrf token={props.csrf} />
          <input type="text" name="username" value={props.email} autocomplete="username" hidden />
          <Field name="current" label={t("password.current")} type="password" autocomplete="current-password" errors={props.errors} />
          <Field name="password" label={t("password.new")} type="password" autocomplete="new-password" errors={props.errors} />
          <Field name="confirm" label={t("password.repeat")} type="password" autocomplete="new-password" errors={props.errors} />
          <button type="submit">{t("password.submit")}</button>
        </form>
      </section>
    </>
  );
}
