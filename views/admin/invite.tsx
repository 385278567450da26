/** @jsxImportSource @kitajs/html */
import { Csrf, Field, type FieldErrors } from "./form.tsx";

export function InvitePage(props: { csrf: string; token: string; email: string; role: string; errors?: FieldErrors }): JSX.Element {
  return (
    <section class="card">
      <h1>Join Konstruct</h1>
      <p>
        You were invited as <strong safe>{props.role.replace("_", " ")}</strong> with the e-mail <strong safe>{props.email}</strong>.
        Choose a password to finish.
      </p>
      <form method="post" action={`/invite/${props.token}`} class="stack">
        <Csrf token={props.csrf} />
        <Field name="password" label="Password (at least 10 characters)" type="password" autocomplete="new-password" errors={props.errors} />
        <Field name="confirm" label="Repeat password" type="password" autocomplete="new-password" errors={props.errors} />
        <button type="submit">Set password and sign in</button>
      </form>
    </section>
  );
}

export function InviteGonePage(): JSX.Element {
  return (
    <section class="card">
      <h1>This invitation cannot be used</h1>
      <p>The link is invalid, was already used, or has expired. Ask the person who invited you for a new one.</p>
    </section>
  );
}
