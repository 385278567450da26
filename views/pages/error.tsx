/** @jsxImportSource @kitajs/html */
/** What a browser sees for a refused or impossible request: the reason, and a way on. */
const TITLES: Record<number, string> = { 400: "That did not work", 403: "Not allowed", 404: "Not found", 409: "Conflict", 429: "Slow down" };

export const errorTitle = (status: number) => TITLES[status] ?? "Something went wrong";

export function ErrorPage(props: { status: number; message: string }): JSX.Element {
  return (
    <section class="card" role="alert">
      <h1 safe>{errorTitle(props.status)}</h1>
      <p safe>{props.message}</p>
      <p>
        <a href="javascript:history.back()">Go back</a> or <a href="/admin">open the dashboard</a>.
      </p>
    </section>
  );
}
