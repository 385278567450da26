/** @jsxImportSource @kitajs/html */
/** What a browser sees for a refused or impossible request: the reason, and a way on. */
import { type MessageKey, t } from "../../src/i18n/i18n.ts";

const TITLED = new Set([400, 403, 404, 409, 429]);

export const errorTitle = (status: number) => t(TITLED.has(status) ? (`error.${status}` as MessageKey) : "error.other");

export function ErrorPage(props: { status: number; message: string }): JSX.Element {
  return (
    <section class="card" role="alert">
      <h1>{errorTitle(props.status)}</h1>
      <p safe>{props.message}</p>
      <p>
        <a href="javascript:history.back()">{t("error.back")}</a> {t("error.or")} <a href="/admin">{t("error.dashboard")}</a>.
      </p>
    </section>
  );
}
