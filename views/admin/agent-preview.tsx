/** @jsxImportSource @kitajs/html */
/**
 * The Agent Designer's test panel: a message to the form as it is now (unsaved), optionally to a
 * second model side by side. htmx posts the whole agent form with it (hx-include); the exchanges so
 * far ride in a hidden field of the answer, so the preview history lives in the page, never the DB.
 */
import type { FieldErrors } from "./form.tsx";
import { usd } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

export interface PreviewExchange {
  user: string;
  reply: string;
}

/** One preview run as the panel shows it (src/admin/agents/preview.ts produces it). */
export interface PreviewRunView {
  /** The model chain asked (the form's, or the one compared). */
  chain: string[];
  kind: "reply" | "budget_stop" | "failed" | "paused";
  text: string;
  /** provider/model that answered; null when none did. */
  answeredBy: string | null;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencyMs: number;
  system: string;
  /** Read-only tool calls and what they returned (kb_search: the knowledge passages). */
  tools: { name: string; result: string }[];
}

export function PreviewPanel(p: { action: string; providers: string[] }): JSX.Element {
  return (
    <section class="card preview-panel" id="agent-preview" aria-labelledby="preview-title">
      <h2 id="preview-title">{t("agentPreview.tryItBeforeSaving")}</h2>
      <p class="muted">
        {t("agentPreview.chatsWithTheFormAs")}
      </p>
      <form method="post" action={p.action} hx-post={p.action} hx-include="#agent-form" hx-target="#preview-result" hx-swap="innerHTML" class="stack">
        <div class="field">
          <label for="f-preview_message">{t("agentPreview.testMessage")}</label>
          <textarea id="f-preview_message" name="preview_message" rows="3" maxlength="4000" required></textarea>
        </div>
        <div class="field">
          <label for="f-preview_compare">{t("agentPreview.compareWith")}</label>
          <input id="f-preview_compare" name="preview_compare" placeholder="provider_id/model" aria-describedby="f-preview_compare-hint" />
          <small class="muted" id="f-preview_compare-hint" safe>{`${t("agentPreview.compareHint")}${p.providers.length ? ` ${t("agents.providersAre")} ${p.providers.join(", ")}.` : ""}`}</small>
        </div>
        <div class="actions">
          <button type="submit">{t("agentPreview.send")}</button>
        </div>
        <div id="preview-result" aria-live="polite">
          <input type="hidden" name="preview_history" value="[]" />
        </div>
      </form>
    </section>
  );
}

export function PreviewResult(p: { history: PreviewExchange[]; runs: PreviewRunView[]; errors?: FieldErrors }): JSX.Element {
  const errors = Object.entries(p.errors ?? {});
  return (
    <>
      <input type="hidden" name="preview_history" value={JSON.stringify(p.history)} />
      {errors.length ? (
        <div class="flash error" role="alert">
          <p>{t("agentPreview.notSentFixTheForm")}</p>
          <ul>{errors.map(([k, v]) => <li safe>{`${k}: ${v}`}</li>)}</ul>
        </div>
      ) : ""}
      {p.history.length ? (
        <ol class="preview-log">
          {p.history.map((e) => (
            <li>
              <p><strong>{t("agentPreview.you")}</strong> <span safe>{e.user}</span></p>
              <p><strong>{t("agentPreview.agent")}</strong> <span safe>{e.reply}</span></p>
            </li>
          ))}
        </ol>
      ) : ""}
      {p.runs.length ? (
        <div class="preview-runs">
          {p.runs.map((r) => (
            <article class="preview-run" data-kind={r.kind}>
              <h3 safe>{r.chain.join(" → ")}</h3>
              <p class={r.kind === "reply" ? "" : "error"} safe>{r.text || "(empty reply)"}</p>
              <dl class="preview-usage">
                <dt>{t("agentPreview.answeredBy")}</dt><dd safe>{r.answeredBy ?? "no model"}</dd>
                <dt>{t("agentHeartbeat.tokens")}</dt><dd>{`${r.promptTokens} in / ${r.completionTokens} out`}</dd>
                <dt>{t("agentHeartbeat.cost")}</dt><dd>{usd(r.costUsd)}</dd>
                <dt>{t("agentPreview.latency")}</dt><dd>{`${Math.round(r.latencyMs)} ms`}</dd>
              </dl>
              {r.tools.length ? (
                <details>
                  <summary>{t("agentPreview.toolsUsed", { n: r.tools.length })}</summary>
                  {r.tools.map((t) => (<><p safe>{t.name}</p><pre safe>{t.result}</pre></>))}
                </details>
              ) : ""}
              <details>
                <summary>{t("agentPreview.systemPrompt")}</summary>
                <pre class="preview-system" safe>{r.system}</pre>
              </details>
            </article>
          ))}
        </div>
      ) : ""}
    </>
  );
}
