/** @jsxImportSource @kitajs/html */
/** Forgotten password: ask for a link by e-mail; then, from the link, a new password twice. */
import { Csrf, Field, type FieldErrors, Flash } from "./form.tsx";

export function ForgotPage(props: { csrf: string; notice?: string; error?: string }): JSX.Element {
  return (
    <section class="card">
      <h1>Forgot your password?</h1>
      <Flash message={props.notice} />
      <Flash message={props.error} error />
      <p class="muted">We mail a link to set a new one. It works once, for an hour.</p>
      <form method="post" action="/login/forgot" class="stack">
        <Csrf token={props.csrf} />
        <Field name="email" label="E-mail" type="email" autocomplete="username" />
        <button type="submit">Send the link</button>
      </form>
      <p>
        <a href="/login">Back to sign in</a>
      </p>
    </section>
  );
}

export function ResetPage(props: { csrf: string; token: string; email: string; errors?: FieldErrors }): JSX.Element {
  return (
    <section class="card">
      <h1>Set a new password</h1>
      <p class="muted">
        For <span safe>{props.email}</span>. Every session of this account is signed out.
      </p>
      {props.errors?.form && <p class="error" role="alert" safe>{props.errors.form}</p>}
      <form method="post" action={`/login/reset/${props.token}`} class="stack">
        <Csrf token={props.csrf} />
        <input type="text" name="username" value={props.email} autocomplete="username" hidden />
        <Field name="password" label="New password" type="password" autocomplete="new-password" errors={props.errors} />
        <Field name="confirm" label="Repeat the new password" type="password" autocomplete="new-password" errors={props.errors} />
        <button type="submit">Set password</button>
      </form>
    </section>
  );
}
