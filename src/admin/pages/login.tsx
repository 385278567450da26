/** @jsxImportSource @kitajs/html */
/**
 * GET/POST /login. A wrong e-mail and a wrong password look the same (and cost the same argon2id
 * verify). Failures count against the account and the client IP (accounts/throttle.ts): a blocked
 * IP gets 429 with Retry-After before any password is checked; an account is never blocked, its
 * attempts are only delayed (so an attacker cannot lock the platform admin out). An account with
 * two-factor on gets no session here: the code is asked next (pages/two-factor.tsx).
 */
import { redirect, render } from "../../http/render.ts";
import { LoginPage } from "../../../views/admin/login.tsx";
import { accountDelayMs, blockedFor, clearFailures, recordFailure, throttleKeys } from "../accounts/throttle.ts";
import { findUserByEmail, toPrincipal } from "../accounts/users.ts";
import { safeNext } from "../auth/safe-next.ts";
import { signIn } from "../auth/sign-in.ts";
import type { Handler } from "../lazy.ts";
import { database, formText } from "../request.ts";
import { recordPerson } from "../trail/record.ts";
import { setPending } from "../two-factor/pending.ts";
import { t, tText } from "../../i18n/i18n.ts";


/** Verified against when the e-mail is unknown, so both failures take as long. */
let dummyHash: Promise<string> | null = null;

export const showLogin: Handler = (deps, ctx) => {
  if (ctx.principal) return redirect(ctx.request, safeNext(ctx.query.next), 302);
  return render(ctx, <LoginPage csrf={ctx.csrfToken} next={safeNext(ctx.query.next)} sso={deps.config.admin.oidc?.name} />, t("login.title"));
};

export const submitLogin: Handler = async (deps, ctx) => {
  const policy = { max: deps.config.admin.login_max_failures, windowMs: deps.config.admin.login_window_minutes * 60_000 };
  const db = database(deps);
  const email = formText(ctx.body, "email").trim().toLowerCase();
  const next = formText(ctx.body, "next");
  const page = (status: number, error: string, headers: Record<string, string> = {}) => {
    const res = render(ctx, <LoginPage csrf={ctx.csrfToken} next={safeNext(next)} email={email} error={error} sso={deps.config.admin.oidc?.name} />, t("login.title"), status);
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  };
  const keys = throttleKeys(email, ctx.client.ip);
  const [account, ip] = keys as [string, string];
  const wait = await blockedFor(db, [ip], policy);
  if (wait > 0) return page(429, tText("login.tooMany", { count: Math.ceil(wait / 60) }), { "retry-after": String(wait) });
  await Bun.sleep(await accountDelayMs(db, account, policy));
  const user = email ? await findUserByEmail(db, email) : null;
  dummyHash ??= Bun.password.hash("not a password of anyone", { algorithm: "argon2id" });
  const ok = await Bun.password.verify(formText(ctx.body, "password"), user?.passwordHash ?? (await dummyHash)).catch(() => false);
  if (!user || !ok) {
    await recordFailure(db, keys, policy);
    // The typed e-mail is kept only when it names an account: it may be a password typed in the wrong field.
    await recordPerson(db, user ? toPrincipal(user) : null, ctx.client.ip, { kind: "sign_in.failed", summary: "sign-in failed", data: { account: user ? "known" : "unknown" } });
    return page(401, tText("login.wrong"));
  }
  await clearFailures(db, account);
  // Two-factor on: no session yet, only a sealed note of who proved the password (two-factor/).
  if (user.totpEnabledAt) {
    if (!setPending(deps.secrets(), ctx, user.id, safeNext(next))) return page(503, "Sign-in is not available yet.");
    return redirect(ctx.request, "/login/two-factor");
  }
  await signIn(db, ctx, user.id, deps.config.admin.session_ttl_hours);
  await recordPerson(db, toPrincipal(user), ctx.client.ip, { kind: "sign_in", summary: "signed in" });
  return redirect(ctx.request, safeNext(next));
};
