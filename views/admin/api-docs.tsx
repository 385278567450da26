/** @jsxImportSource @kitajs/html */
export interface Endpoint {
  method: string;
  path: string;
  summary: string;
  role: string;
}

export function ApiDocsPage(props: { base: string; endpoints: Endpoint[] }): JSX.Element {
  return (
    <section class="card">
      <h1>Admin API</h1>
      <p>
        JSON over HTTPS at <code safe>{`${props.base}/api/v1`}</code>. Create a token under <a href="/admin/tokens">API tokens</a> and send it
        as a bearer token; it acts with your role. The machine-readable description is{" "}
        <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
      </p>
      <pre><code safe>{`curl -H "Authorization: Bearer kpat_…" ${props.base}/api/v1/tenants`}</code></pre>
      <p class="muted">
        Errors are <code>{'{"error": {"code", "message"}}'}</code> with 400 (the message names the field), 401, 403, 404 or 409. Lists that grow
        are paginated: pass <code>next</code> back as <code>cursor</code>.
      </p>
      <table>
        <thead>
          <tr><th>Method</th><th>Path</th><th>What</th><th>Least role</th></tr>
        </thead>
        <tbody>
          {props.endpoints.map((e) => (
            <tr>
              <td><code safe>{e.method}</code></td>
              <td><code safe>{e.path}</code></td>
              <td safe>{e.summary}</td>
              <td safe>{e.role}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
