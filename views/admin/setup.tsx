/** @jsxImportSource @kitajs/html */
import { Csrf, Field, type FieldErrors } from "./form.tsx";

export function SetupPage(props: { csrf: string; email?: string; errors?: FieldErrors }): JSX.Element {
  return (
    <section class="card">
      <h1>Welcome to Konstruct</h1>
      <p>Create the platform administrator. This account manages every tenant; you can invite others later.</p>
      <form method="post" action="/setup" class="stack">
        <Csrf token={props.csrf} />
        <Field name="email" label="E-mail" type="email" autocomplete="username" value={props.email} errors={props.errors} />
        <Field name="password" label="Password (at least 10 characters)" type="password" autocomplete="new-password" errors={props.errors} />
        <Field name="confirm" label="Repeat password" type="password" autocomplete="new-password" errors={props.errors} />
        <button type="submit">Create administrator</button>
      </form>
    </section>
  );
}
