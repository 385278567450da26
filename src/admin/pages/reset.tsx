/** @jsxImportSource @kitajs/html */
/**
 * GET/POST /login/forgot and GET/POST /login/reset/:token (accounts/password-reset.ts). The answer to
 * a request is the same whether the address has an account or not, and the mail goes out after
 * the answer (its SMTP round trip would tell them apart by time). Requests count per client IP
 * against the login throttle's limits, so the form cannot be used to flood someone's mailbox.
 */
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { ForgotPage, ResetPage } from "../../../views/admin/reset.tsx";
import type { FieldErrors } from "../../../views/admin/form.tsx";
import { userOfResetToken, resetToken, RESET_TTL_MS } from "../accounts/password-reset.ts";
import { blockedFor, recordFailure } from "../accounts/throttle.ts";
import { findUserByEmail, setPassword, toPrincipal } from "../accounts/users.ts";
import { fieldErrors } from "../form-errors.ts";
import type { ConsoleDeps, Handler } from "../lazy.ts";
import { publicBase, resetMail, smtpMailer } from "../mail.ts";
import { database, formText } from "../request.ts";
import { recordPerson } from "../trail/record.ts";
import { pickLocale, t, tText, withLocale } from "../../i18n/i18n.ts";

function resetKey(deps: ConsoleDeps): Uint8Array {
  const key = deps.secrets()?.deriveKey("password-reset");
  if (!key) throw new KonstructError("db_unavailable", "starting up: try again in a moment");
  return key;
}

export const showForgot: Handler = (deps, ctx) =>
  render(ctx, <ForgotPage csrf={ctx.csrfToken} error={deps.config.smtp.host ? undefined : tText("reset.noMail")} />, t("reset.forgotTitle"));

export const requestReset: Handler = async (deps, ctx) => {
  const db = database(deps);
  const send = smtpMailer(deps.config.smtp);
  if (!send) return render(ctx, <ForgotPage csrf={ctx.csrfToken} error={tText("reset.noMail")} />, t("reset.forgotTitle"), 503);
  const policy = { max: deps.config.admin.login_max_failures, windowMs: deps.config.admin.login_window_minutes * 60_000 };
  const keys = [`reset:${ctx.client.ip}`];
  const wait = await blockedFor(db, keys, policy);
  if (wait > 0) {
    const res = render(ctx, <ForgotPage csrf={ctx.csrfToken} error={tText("reset.tooMany", { count: Math.ceil(wait / 60) })} />, t("reset.forgotTitle"), 429);
    res.headers.set("retry-after", String(wait));
    return res;
  }
  await recordFailure(db, keys, policy);
  const email = formText(ctx.body, "email").trim().toLowerCase().slice(0, 320);
  const user = email ? await findUserByEmail(db, email) : null;
  if (user) {
    const link = `${publicBase(deps.config, ctx.request)}/login/reset/${resetToken(resetKey(deps), user)}`;
    // The account's saved language, else the asking browser's: the page answers in the browser's.
    const lang = pickLocale(user.locale, ctx.request.headers.get("accept-language"));
    const mail = withLocale(lang, () => resetMail({ to: user.email, minutes: RESET_TTL_MS / 60_000, link }));
    void send(mail).catch((e) => deps.log.warn({ err: e }, "password-reset mail could not be sent"));
    await recordPerson(db, toPrincipal(user), ctx.client.ip, { kind: "password.changed", summary: "asked for a password-reset link", data: { step: "link_sent" } });
  }
  return render(ctx, <ForgotPage csrf={ctx.csrfToken} notice={tText("reset.sent")} />, t("reset.forgotTitle"));
};

const invalid = (ctx: Parameters<Handler>[1]) =>
  render(ctx, <ForgotPage csrf={ctx.csrfToken} error={tText("reset.invalid")} />, t("reset.forgotTitle"), 404);

export const showReset: Handler = async (deps, ctx) => {
  const token = ctx.params.token ?? "";
  const user = await userOfResetToken(database(deps), resetKey(deps), token);
  if (!user) return invalid(ctx);
  return render(ctx, <ResetPage csrf={ctx.csrfToken} token={token} email={user.email} />, t("reset.title"));
};

export const submitReset: Handler = async (deps, ctx) => {
  const db = database(deps);
  const token = ctx.params.token ?? "";
  const user = await userOfResetToken(db, resetKey(deps), token);
  if (!user) return invalid(ctx);
  const again = (errors: FieldErrors) => render(ctx, <ResetPage csrf={ctx.csrfToken} token={token} email={user.email} errors={errors} />, t("reset.title"), 400);
  const password = formText(ctx.body, "password");
  if (password !== formText(ctx.body, "confirm")) return again({ confirm: tText("formError.passwordsDiffer") });
  try {
    await setPassword(db, user.id, password, null, user.email);
  } catch (e) {
    return again(fieldErrors(e, "password"));
  }
  await recordPerson(db, toPrincipal(user), ctx.client.ip, { kind: "password.changed", summary: "set a new password from a reset link", data: { step: "reset" } });
  return redirect(ctx.request, "/login");
};
