/** @jsxImportSource @kitajs/html */
/** The signed-in user's own password: the current one, then the new one twice. */
import { Csrf, Field, type FieldErrors, Flash } from "./form.tsx";

export function PasswordPage(props: { csrf: string; email: string; flash?: string; errors?: FieldErrors }): JSX.Element {
  return (
    <section class="card">
      <h1>Change password</h1>
      <p class="muted">
        For <span safe>{props.email}</span>. Your other sessions are signed out when it changes.
      </p>
      <Flash message={props.flash} />
      {props.errors?.form && <p class="error" role="alert" safe>{props.errors.form}</p>}
      <form method="post" action="/admin/password" class="stack">
        <Csrf token={props.csrf} />
        <input type="text" name="username" value={props.email} autocomplete="username" hidden />
        <Field name="current" label="Current password" type="password" autocomplete="current-password" errors={props.errors} />
        <Field name="password" label="New password" type="password" autocomplete="new-password" errors={props.errors} />
        <Field name="confirm" label="Repeat the new password" type="password" autocomplete="new-password" errors={props.errors} />
        <button type="submit">Change password</button>
      </form>
    </section>
  );
}
