/** @jsxImportSource @kitajs/html */
/**
 * GET/POST /admin/password: any signed-in user changes their own password. The current password
 * is proven first, and wrong guesses count against the client IP like failed sign-ins (a stolen
 * session must not become a password oracle). Other sessions of the user end; this one stays.
 */
import { eq } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import { redirect, render } from "../../http/render.ts";
import { PasswordPage } from "../../../views/admin/password.tsx";
import { blockedFor, ipKey, recordFailure } from "../accounts/throttle.ts";
import { setPassword } from "../accounts/users.ts";
import { requireRead } from "../auth/principal.ts";
import { hashToken } from "../auth/secret-token.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { fieldErrors } from "../form-errors.ts";
import type { FieldErrors } from "../../../views/admin/form.tsx";
import type { Handler } from "../lazy.ts";
import { database, formText } from "../request.ts";
import { recordPerson } from "../trail/record.ts";

import { t, tText } from "../../i18n/i18n.ts";

const title = () => t("account.title");

export const showPassword: Handler = (_deps, ctx) => {
  const p = requireRead(ctx.principal);
  return render(ctx, <PasswordPage csrf={ctx.csrfToken} email={p.email} locale={p.locale ?? null} flash={flashMessage(ctx.query.flash)} />, title());
};

export const changePassword: Handler = async (deps, ctx) => {
  const p = requireRead(ctx.principal);
  const db = database(deps);
  const again = (errors: FieldErrors, status = 400) => render(ctx, <PasswordPage csrf={ctx.csrfToken} email={p.email} locale={p.locale ?? null} errors={errors} />, title(), status);
  const policy = { max: deps.config.admin.login_max_failures, windowMs: deps.config.admin.login_window_minutes * 60_000 };
  const keys = [ipKey(ctx.client.ip)];
  const wait = await blockedFor(db, keys, policy);
  if (wait > 0) {
    const res = again({ form: tText("formError.tooManyWrong", { count: Math.ceil(wait / 60) }) }, 429);
    res.headers.set("retry-after", String(wait));
    return res;
  }
  const [me] = await db.platform((tx) => tx.select({ hash: users.passwordHash }).from(users).where(eq(users.id, p.userId)));
  const current = formText(ctx.body, "current");
  if (!me || !(await Bun.password.verify(current, me.hash).catch(() => false))) {
    await recordFailure(db, keys, policy);
    return again({ current: tText("formError.notCurrentPassword") });
  }
  const password = formText(ctx.body, "password");
  if (password !== formText(ctx.body, "confirm")) return again({ confirm: tText("formError.passwordsDiffer") });
  if (password === current) return again({ password: tText("formError.sameAsCurrent") });
  try {
    await setPassword(db, p.userId, password, ctx.sessionId ? hashToken(ctx.sessionId) : null, p.email);
  } catch (e) {
    return again(fieldErrors(e, "password"));
  }
  await recordPerson(db, p, ctx.client.ip, { kind: "password.changed", summary: "changed their password" });
  return redirect(ctx.request, withFlash("/admin/password", "password_changed"));
};
