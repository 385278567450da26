/** @jsxImportSource @kitajs/html */
/** Landing page: what is running and where to look next. */
import { t } from "../../src/i18n/i18n.ts";

export function HomePage(props: { version: string; dbMode: string }): JSX.Element {
  return (
    <section class="card">
      <h1>{t("home.title")}</h1>
      <p>{t("home.version", { version: props.version, db: props.dbMode })}</p>
      <ul>
        <li><a href="/admin">{t("home.console")}</a></li>
        <li><a href="/readyz">{t("home.readiness")}</a></li>
        <li><a href="/metrics">{t("home.metrics")}</a></li>
      </ul>
      <p class="muted">{t("home.hint")}</p>
    </section>
  );
}
