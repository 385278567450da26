/** @jsxImportSource @kitajs/html */
/**
 * One AI employee's website chat widget: on/off, the allowed origins (required, exact), and once
 * saved the snippet to paste into the site — `<script src="<public_url>/widget/<id>.js" async>`.
 * Without server.public_url the snippet shows a placeholder host and says so.
 */
import { Area, Choice } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import { PageHead } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

export interface WidgetProps {
  csrf: string;
  tenantId: string;
  agent: { id: string; name: string };
  /** The saved widget's id (null: not set up yet). */
  widgetId: string | null;
  base: string;
  values: Record<string, string>;
  errors?: FieldErrors;
  flash?: string;
}

export const widgetSnippet = (base: string, id: string): string =>
  `<script src="${base || "https://konstruct.example"}/widget/${id}.js" async></script>`;

export function WidgetView(p: WidgetProps): JSX.Element {
  const q = `?tenant=${p.tenantId}`;
  return (
    <section>
      <PageHead title={`${t("widget.websiteWidgetOf")} ${p.agent.name}`} />
      <p class="muted">
        {t("widget.aChatBubbleOnYour")}
        <code>/human</code>{" "}{t("widget.andHandoffBudgetsAuditIt")}
      </p>
      <Flash message={p.errors ? t("form.correctFields") : p.flash} error={Boolean(p.errors)} />
      {p.widgetId ? (
        <>
          <h2>{t("widget.snippet")}</h2>
          <p>{t("widget.pasteThisIntoEveryPage")}{" "}<code>&lt;/body&gt;</code>:</p>
          <pre class="copy" tabindex="0"><code id="widget-snippet" safe>{widgetSnippet(p.base, p.widgetId)}</code></pre>
          {p.base ? "" : <p class="error">{t("widget.serverPublicUrlIsNot")}</p>}
        </>
      ) : (
        <p class="muted">{t("widget.notSetUpYetList")}</p>
      )}
      <form method="post" action={`/admin/agents/${p.agent.id}/widget${q}`} class="stack">
        <Csrf token={p.csrf} />
        <Choice name="enabled" label={t("widget.widget")} values={p.values} errors={p.errors} options={[{ value: "on", label: t("widget.on") }, { value: "off", label: t("widget.off") }]} />
        <Area
          name="origins"
          label={t("widget.allowedOrigins")}
          values={p.values}
          errors={p.errors}
          rows={4}
          hint={t("widget.onePerLineExactlyAs")}
        />
        <div class="actions">
          <button type="submit">{t("common.save")}</button>
          <a href={`/admin/agents/${p.agent.id}${q}`}>{t("widget.backToTheAiEmployee")}</a>
        </div>
      </form>
    </section>
  );
}
