/** @jsxImportSource @kitajs/html */
/**
 * Thumbs up/down on one answer (htmx; the CSRF header comes from <body hx-headers>). A thumbs-down
 * may carry a correction that the AI employee remembers. The widget replaces itself with the result.
 */
import { t } from "../../src/i18n/i18n.ts";

export function FeedbackButtons(p: { tenantId: string; outboundId: string; rating?: 1 | -1 | null; saved?: boolean }): JSX.Element {
  const id = `fb-${p.outboundId}`;
  return (
    <form id={id} class="feedback inline" hx-post={`/admin/feedback/${p.outboundId}?tenant=${p.tenantId}`} hx-target={`#${id}`} hx-swap="outerHTML">
      <button type="submit" name="rating" value="up" class="secondary" aria-pressed={p.rating === 1 ? "true" : "false"} title={t("feedback.goodAnswer")}>👍</button>
      <button type="submit" name="rating" value="down" class="secondary" aria-pressed={p.rating === -1 ? "true" : "false"} title={t("feedback.wrongAnswer")}>👎</button>
      <details>
        <summary>{t("feedback.correctIt")}</summary>
        <label for={`${id}-c`}>
          <span>{t("feedback.theCorrectAnswerRememberedBy")}</span>
          <textarea id={`${id}-c`} name="correction" rows="2" maxlength="2000"></textarea>
        </label>
        <button type="submit" name="rating" value="down">{t("feedback.sendCorrection")}</button>
      </details>
      {p.saved ? <small class="muted" role="status">{p.rating === 1 ? "Thanks — rated good." : "Thanks — rated wrong."}</small> : ""}
    </form>
  );
}
