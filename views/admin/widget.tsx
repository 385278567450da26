/** @jsxImportSource @kitajs/html */
/**
 * One AI employee's website chat widget: on/off, the allowed origins (required, exact), and once
 * saved the snippet to paste into the site — `<script src="<public_url>/widget/<id>.js" async>`.
 * Without server.public_url the snippet shows a placeholder host and says so.
 */
import { Area, Choice } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import { PageHead } from "./parts.tsx";

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
      <PageHead title={`Website widget: ${p.agent.name}`} />
      <p class="muted">
        A chat bubble on your own web site: visitors talk to this AI employee through the same pipeline as every channel (commands,
        <code>/human</code> and handoff, budgets, audit). It works only on the sites listed below.
      </p>
      <Flash message={p.errors ? "Please correct the fields marked below." : p.flash} error={Boolean(p.errors)} />
      {p.widgetId ? (
        <>
          <h2>Snippet</h2>
          <p>Paste this into every page that should show the chat bubble, just before <code>&lt;/body&gt;</code>:</p>
          <pre class="copy" tabindex="0"><code id="widget-snippet" safe>{widgetSnippet(p.base, p.widgetId)}</code></pre>
          {p.base ? "" : <p class="error">server.public_url is not set: replace the placeholder host with the address visitors' browsers reach this appliance at.</p>}
        </>
      ) : (
        <p class="muted">Not set up yet: list the sites and save to get the snippet.</p>
      )}
      <form method="post" action={`/admin/agents/${p.agent.id}/widget${q}`} class="stack">
        <Csrf token={p.csrf} />
        <Choice name="enabled" label="Widget" values={p.values} errors={p.errors} options={[{ value: "on", label: "On" }, { value: "off", label: "Off: the script and every call are refused" }]} />
        <Area
          name="origins"
          label="Allowed origins"
          values={p.values}
          errors={p.errors}
          rows={4}
          hint="One per line, exactly as the browser sends it: https://www.example.com (scheme, host, and the port if not the default; no path, no wildcard). Requests from any other site are refused."
        />
        <div class="actions">
          <button type="submit">Save</button>
          <a href={`/admin/agents/${p.agent.id}${q}`}>Back to the AI employee</a>
        </div>
      </form>
    </section>
  );
}
