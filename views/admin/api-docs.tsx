/** @jsxImportSource @kitajs/html */
import { t } from "../../src/i18n/i18n.ts";

export interface Endpoint {
  method: string;
  path: string;
  summary: string;
  role: string;
}

export function ApiDocsPage(props: { base: string; endpoints: Endpoint[] }): JSX.Element {
  return (
    <section class="card">
      <h1>{t("apiDocs.adminApi")}</h1>
      <p>
        {t("apiDocs.jsonOverHttpsAt")}{" "}<code safe>{`${props.base}/api/v1`}</code>{t("apiDocs.createATokenUnder")}{" "}<a href="/admin/tokens">{t("nav.tokens")}</a>{" "}{t("apiDocs.andSendItAsA")}{" "}
        <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>{" "}{t("apiDocs.openapi31")}
      </p>
      <pre><code safe>{`curl -H "Authorization: Bearer kpat_…" ${props.base}/api/v1/tenants`}</code></pre>
      <p class="muted">
        {t("apiDocs.errorsAre")}{" "}<code>{'{"error": {"code", "message"}}'}</code>{" "}{t("apiDocs.with400TheMessageNames")}{" "}<code>next</code>{" "}{t("apiDocs.backAs")}{" "}<code>cursor</code>.
      </p>
      <table>
        <thead>
          <tr><th>{t("apiDocs.method")}</th><th>{t("apiDocs.path")}</th><th>{t("apiDocs.what")}</th><th>{t("apiDocs.leastRole")}</th></tr>
        </thead>
        <tbody>
          {props.endpoints.map((e) => (
            <tr>
              <td><code safe>{e.method}</code></td>
              <td><code safe>{e.path}</code></td>
              <td lang="en" safe>{e.summary}</td>
              <td safe>{e.role}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
