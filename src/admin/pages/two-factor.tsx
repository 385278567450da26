/** @jsxImportSource @kitajs/html */
/**
 * GET/POST /login/two-factor: the second step of a password sign-in of an account with TOTP on
 * (src/admin/two-factor/). The account comes from the sealed pending cookie set by /login, never
 * from the form. Wrong codes count against the account and the IP like wrong passwords; at the
 * limit the step answers 429 before any code is checked. A session starts only here.
 */
import { eq } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import { redirect, render } from "../../http/render.ts";
import { t, tText } from "../../i18n/i18n.ts";
import { SecondFactorPage } from "../../../views/admin/two-factor.tsx";
import { blockedFor, clearFailures, ipKey, recordFailure } from "../accounts/throttle.ts";
import { toPrincipal } from "../accounts/users.ts";
import { safeNext } from "../auth/safe-next.ts";
import { signIn } from "../auth/sign-in.ts";
import type { Handler } from "../lazy.ts";
import { database, formText } from "../request.ts";
import { recordPerson } from "../trail/record.ts";
import { clearPending, readPending } from "../two-factor/pending.ts";
import { checkSecondFactor } from "../two-factor/store.ts";

export const twoFactorKey = (userId: string) => `two-factor:${userId}`;

export const showSecondFactor: Handler = (deps, ctx) => {
  if (!readPending(deps.secrets(), ctx)) return redirect(ctx.request, "/login");
  return render(ctx, <SecondFactorPage csrf={ctx.csrfToken} />, t("twoFactor.signInTitle"));
};

export const submitSecondFactor: Handler = async (deps, ctx) => {
  const box = deps.secrets();
  const pending = readPending(box, ctx);
  if (!pending) return redirect(ctx.request, "/login", 303);
  const db = database(deps);
  const page = (status: number, error: string) => render(ctx, <SecondFactorPage csrf={ctx.csrfToken} error={error} />, t("twoFactor.signInTitle"), status);
  const policy = { max: deps.config.admin.login_max_failures, windowMs: deps.config.admin.login_window_minutes * 60_000 };
  const keys = [twoFactorKey(pending.uid), ipKey(ctx.client.ip)];
  const wait = await blockedFor(db, keys, policy);
  if (wait > 0) {
    const res = page(429, tText("twoFactor.tooMany", { count: Math.ceil(wait / 60) }));
    res.headers.set("retry-after", String(wait));
    return res;
  }
  const [user] = await db.platform((tx) => tx.select().from(users).where(eq(users.id, pending.uid)));
  if (!user) return redirect(ctx.request, "/login", 303);
  const how = await checkSecondFactor(db, box, user.id, formText(ctx.body, "code").slice(0, 64));
  if (!how) {
    await recordFailure(db, keys, policy);
    await recordPerson(db, toPrincipal(user), ctx.client.ip, { kind: "sign_in.failed", summary: "sign-in failed: wrong two-factor code", data: { method: "totp" } });
    return page(401, tText("twoFactor.wrongCode"));
  }
  await clearFailures(db, twoFactorKey(user.id));
  clearPending(ctx);
  await signIn(db, ctx, user.id, deps.config.admin.session_ttl_hours, "totp");
  const data = how === "recovery" ? { method: "recovery_code", recovery_left: user.totpRecovery.length - 1 } : { method: "totp" };
  await recordPerson(db, toPrincipal(user), ctx.client.ip, { kind: "sign_in", summary: how === "recovery" ? "signed in with a recovery code" : "signed in with a two-factor code", data });
  return redirect(ctx.request, safeNext(pending.next));
};
