/** @jsxImportSource @kitajs/html */
/**
 * POST /admin/feedback/:outboundId (htmx, CSRF-checked by adminAuth): the signed-in user rates one
 * answer of the scoped tenant; the widget comes back pressed. Operators and up (the web chat's area).
 */
import { FeedbackButtons } from "../../../views/admin/feedback.tsx";
import { KonstructError } from "../../errors.ts";
import { MAX_CORRECTION, rate } from "../../feedback/feedback.ts";
import { render } from "../../http/render.ts";
import { formFields, uuidParam } from "../forms.ts";
import type { Handler } from "../lazy.ts";
import { pageScope } from "../scope.ts";
import { t } from "../../i18n/i18n.ts";

export const rateAnswerForm: Handler = async (deps, ctx) => {
  const outboundId = uuidParam(ctx.params.outboundId, "answer");
  const form = formFields(ctx.body);
  const rating = form.rating === "up" ? 1 : form.rating === "down" ? -1 : null;
  if (!rating) throw new KonstructError("bad_request", "rating: up or down");
  const correction = (form.correction ?? "").trim();
  if (correction.length > MAX_CORRECTION) throw new KonstructError("bad_request", `correction: at most ${MAX_CORRECTION} characters`);
  const { p, db, tenantId } = await pageScope(deps, ctx, "chat");
  if (!tenantId) throw new KonstructError("not_found", "no tenant");
  const memory = deps.knowledge()?.memory ?? null;
  await rate(db, tenantId, { outboundId, rater: p.userId, rating, correction }, memory ? (t, m) => memory.remember(t, m) : null);
  return render(ctx, <FeedbackButtons tenantId={tenantId} outboundId={outboundId} rating={rating} saved />, t("feedback.feedback"));
};
