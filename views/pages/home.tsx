/** @jsxImportSource @kitajs/html */
/** Landing page: what is running and where to look next. */
export function HomePage(props: { version: string; dbMode: string }): JSX.Element {
  return (
    <section class="card">
      <h1>Konstruct is running</h1>
      <p>
        Version <strong safe>{props.version}</strong>, database <strong safe>{props.dbMode}</strong>.
      </p>
      <ul>
        <li><a href="/admin">Admin console</a></li>
        <li><a href="/readyz">Readiness</a></li>
        <li><a href="/metrics">Metrics</a></li>
      </ul>
      <p class="muted">Declare tenants, AI employees and channels in konstruct.config.yaml; they are applied at start.</p>
    </section>
  );
}
