/** @jsxImportSource @kitajs/html */
/**
 * Two-factor sign-in: the code step after the password, and the user's own settings (set up with a
 * QR code, recovery codes shown once, turn off). The QR SVG is the library's fixed markup of the
 * otpauth URI, generated on the server; it holds no user-supplied text other than the e-mail,
 * which the library encodes into modules, never into markup.
 */
import { t } from "../../src/i18n/i18n.ts";
import { Csrf, Field, Flash } from "./form.tsx";

const codeInput = (name: string, label: string, autocomplete = "one-time-code") => (
  <label for={`f-${name}`}>
    <span safe>{label}</span>
    <input id={`f-${name}`} name={name} type="text" inputmode="text" autocomplete={autocomplete} maxlength="40" required autofocus />
  </label>
);

export function SecondFactorPage(props: { csrf: string; error?: string }): JSX.Element {
  return (
    <section class="card">
      <h1>{t("twoFactor.signInTitle")}</h1>
      <Flash message={props.error} error />
      <p class="muted">{t("twoFactor.signInHint")}</p>
      <form method="post" action="/login/two-factor" class="stack">
        <Csrf token={props.csrf} />
        {codeInput("code", t("twoFactor.code"))}
        <button type="submit">{t("twoFactor.verify")}</button>
      </form>
      <p>
        <a href="/login">{t("twoFactor.back")}</a>
      </p>
    </section>
  );
}

export interface TwoFactorPageProps {
  csrf: string;
  enabled: boolean;
  required: boolean;
  recoveryLeft: number;
  /** While enrolling: the key, its URI and QR code. */
  enrol?: { secret: string; uri: string; svg: string };
  /** Just made: shown this once. */
  codes?: string[];
  flash?: string;
  error?: string;
}

export function TwoFactorPage(props: TwoFactorPageProps): JSX.Element {
  return (
    <>
      <Flash message={props.flash} />
      <Flash message={props.error} error />
      {props.codes && (
        <section class="card" aria-labelledby="h-codes">
          <h2 id="h-codes">{t("twoFactor.codesTitle")}</h2>
          <p class="muted">{t("twoFactor.codesHint")}</p>
          <ul class="recovery-codes" data-recovery-codes>
            {props.codes.map((c) => (
              <li>
                <code safe>{c}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section class="card" aria-labelledby="h-2fa">
        <h1 id="h-2fa">{t("twoFactor.title")}</h1>
        {props.required && !props.enabled && <p class="flash error" role="alert">{t("twoFactor.required")}</p>}
        {props.enabled ? <Enabled {...props} /> : props.enrol ? <Enrol {...props} enrol={props.enrol} /> : <Off {...props} />}
      </section>
    </>
  );
}

function Off(props: TwoFactorPageProps): JSX.Element {
  return (
    <>
      <p>{t("twoFactor.offText")}</p>
      <form method="post" action="/admin/two-factor/start">
        <Csrf token={props.csrf} />
        <button type="submit">{t("twoFactor.start")}</button>
      </form>
    </>
  );
}

function Enrol(props: TwoFactorPageProps & { enrol: NonNullable<TwoFactorPageProps["enrol"]> }): JSX.Element {
  return (
    <>
      <p>{t("twoFactor.scan")}</p>
      <div class="qr" role="img" aria-label="QR code">
        {props.enrol.svg}
      </div>
      <p>
        {t("twoFactor.key")}: <code data-totp-secret safe>{props.enrol.secret}</code>
      </p>
      <p class="muted">
        <a href={props.enrol.uri} safe>{props.enrol.uri}</a>
      </p>
      <form method="post" action="/admin/two-factor/confirm" class="stack">
        <Csrf token={props.csrf} />
        {codeInput("code", t("twoFactor.code"))}
        <button type="submit">{t("twoFactor.confirm")}</button>
      </form>
    </>
  );
}

function Enabled(props: TwoFactorPageProps): JSX.Element {
  return (
    <>
      <p>{t("twoFactor.onText", { left: props.recoveryLeft })}</p>
      <form method="post" action="/admin/two-factor/recovery" class="inline">
        <Csrf token={props.csrf} />
        <button type="submit" class="secondary">{t("twoFactor.renew")}</button>
      </form>
      {!props.required && (
        <form method="post" action="/admin/two-factor/disable" class="inline">
          <Csrf token={props.csrf} />
          <Field name="code" label={t("twoFactor.currentCode")} autocomplete="one-time-code" />
          <button type="submit" class="danger">{t("twoFactor.disable")}</button>
        </form>
      )}
    </>
  );
}
