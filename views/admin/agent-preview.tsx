/** @jsxImportSource @kitajs/html */
/**
 * The Agent Designer's test panel: a message to the form as it is now (unsaved), optionally to a
 * second model side by side. htmx posts the whole agent form with it (hx-include); the exchanges so
 * far ride in a hidden field of the answer, so the preview history lives in the page, never the DB.
 */
import type { FieldErrors } from "./form.tsx";
import { usd } from "./parts.tsx";

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
      <h2 id="preview-title">Try it before saving</h2>
      <p class="muted">
        Chats with the form as it is now. Not stored as a conversation; the model calls are recorded as a preview and spend this AI employee's budget. Only read-only tools (kb_search) run.
      </p>
      <form method="post" action={p.action} hx-post={p.action} hx-include="#agent-form" hx-target="#preview-result" hx-swap="innerHTML" class="stack">
        <div class="field">
          <label for="f-preview_message">Test message</label>
          <textarea id="f-preview_message" name="preview_message" rows="3" maxlength="4000" required></textarea>
        </div>
        <div class="field">
          <label for="f-preview_compare">Compare with</label>
          <input id="f-preview_compare" name="preview_compare" placeholder="provider_id/model" aria-describedby="f-preview_compare-hint" />
          <small class="muted" id="f-preview_compare-hint" safe>{`Optional: a second model asked the same, side by side.${p.providers.length ? ` Providers: ${p.providers.join(", ")}.` : ""}`}</small>
        </div>
        <div class="actions">
          <button type="submit">Send</button>
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
          <p>Not sent — fix the form first:</p>
          <ul>{errors.map(([k, v]) => <li safe>{`${k}: ${v}`}</li>)}</ul>
        </div>
      ) : ""}
      {p.history.length ? (
        <ol class="preview-log">
          {p.history.map((e) => (
            <li>
              <p><strong>You:</strong> <span safe>{e.user}</span></p>
              <p><strong>Agent:</strong> <span safe>{e.reply}</span></p>
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
                <dt>Answered by</dt><dd safe>{r.answeredBy ?? "no model"}</dd>
                <dt>Tokens</dt><dd>{`${r.promptTokens} in / ${r.completionTokens} out`}</dd>
                <dt>Cost</dt><dd>{usd(r.costUsd)}</dd>
                <dt>Latency</dt><dd>{`${Math.round(r.latencyMs)} ms`}</dd>
              </dl>
              {r.tools.length ? (
                <details>
                  <summary>{`Tools used (${r.tools.length})`}</summary>
                  {r.tools.map((t) => (<><p safe>{t.name}</p><pre safe>{t.result}</pre></>))}
                </details>
              ) : ""}
              <details>
                <summary>System prompt</summary>
                <pre class="preview-system" safe>{r.system}</pre>
              </details>
            </article>
          ))}
        </div>
      ) : ""}
    </>
  );
}
