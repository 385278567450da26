/** @jsxImportSource @kitajs/html */
/**
 * /admin/two-factor: any signed-in user's own second factor (src/admin/two-factor/). Set up: a new
 * secret (sealed), shown as a QR code and key until a first code confirms it; the recovery codes
 * are in that answer only. Turning it off takes a current code (a borrowed session alone cannot),
 * throttled like sign-in, and is refused while the tenant requires two-factor.
 */
import { eq } from "drizzle-orm";
import { tenants } from "../../db/schema/index.ts";
import { redirect, render } from "../../http/render.ts";
import { t, tText } from "../../i18n/i18n.ts";
import { TwoFactorPage, type TwoFactorPageProps } from "../../../views/admin/two-factor.tsx";
import { blockedFor, ipKey, recordFailure } from "../accounts/throttle.ts";
import { type Principal, requireRead } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { database, formText } from "../request.ts";
import { recordPerson } from "../trail/record.ts";
import { beginEnrolment, checkSecondFactor, confirmEnrolment, removeTwoFactor, renewRecoveryCodes, twoFactorState } from "../two-factor/store.ts";
import { otpauthUri, qrSvg } from "../two-factor/totp.ts";
import { twoFactorKey } from "./two-factor.tsx";

async function required(deps: ConsoleDeps, p: Principal): Promise<boolean> {
  if (!p.tenantId) return false;
  const [row] = await database(deps).platform((tx) => tx.select({ on: tenants.requireTwoFactor }).from(tenants).where(eq(tenants.id, p.tenantId!)));
  return !!row?.on;
}

async function page(deps: ConsoleDeps, ctx: AdminContext, p: Principal, extra: Partial<TwoFactorPageProps> = {}, status = 200) {
  const s = await twoFactorState(database(deps), deps.secrets(), p.userId);
  const uri = s.pendingSecret ? otpauthUri(s.pendingSecret, p.email) : null;
  const props: TwoFactorPageProps = {
    csrf: ctx.csrfToken,
    enabled: s.enabled,
    required: await required(deps, p),
    recoveryLeft: s.recoveryLeft,
    enrol: s.pendingSecret && uri ? { secret: s.pendingSecret, uri, svg: qrSvg(uri) } : undefined,
    flash: flashMessage(ctx.query.flash),
    ...extra,
  };
  return render(ctx, <TwoFactorPage {...props} />, t("twoFactor.title"), status);
}

export const showTwoFactor: Handler = (deps, ctx) => page(deps, ctx, requireRead(ctx.principal));

export const startTwoFactor: Handler = async (deps, ctx) => {
  const p = requireRead(ctx.principal);
  await beginEnrolment(database(deps), deps.secrets(), p.userId);
  return redirect(ctx.request, "/admin/two-factor");
};

export const confirmTwoFactor: Handler = async (deps, ctx) => {
  const p = requireRead(ctx.principal);
  const db = database(deps);
  const codes = await confirmEnrolment(db, deps.secrets(), p.userId, formText(ctx.body, "code").slice(0, 64));
  if (!codes) return page(deps, ctx, p, { error: tText("twoFactor.wrongFirstCode") }, 400);
  await recordPerson(db, p, ctx.client.ip, { kind: "two_factor", summary: "turned on two-factor sign-in", data: { step: "enabled" } });
  return page(deps, ctx, p, { codes, flash: flashMessage("two_factor_on") });
};

export const renewRecoveryForm: Handler = async (deps, ctx) => {
  const p = requireRead(ctx.principal);
  const db = database(deps);
  const codes = await renewRecoveryCodes(db, p.userId);
  if (!codes) return redirect(ctx.request, "/admin/two-factor");
  await recordPerson(db, p, ctx.client.ip, { kind: "two_factor", summary: "made new recovery codes", data: { step: "recovery_renewed" } });
  return page(deps, ctx, p, { codes });
};

export const disableTwoFactor: Handler = async (deps, ctx) => {
  const p = requireRead(ctx.principal);
  const db = database(deps);
  if (!(await twoFactorState(db, deps.secrets(), p.userId)).enabled) return redirect(ctx.request, "/admin/two-factor");
  if (await required(deps, p)) return page(deps, ctx, p, { error: t("twoFactor.required") }, 400);
  const policy = { max: deps.config.admin.login_max_failures, windowMs: deps.config.admin.login_window_minutes * 60_000 };
  const keys = [twoFactorKey(p.userId), ipKey(ctx.client.ip)];
  const wait = await blockedFor(db, keys, policy);
  if (wait > 0) return page(deps, ctx, p, { error: tText("twoFactor.tooMany", { count: Math.ceil(wait / 60) }) }, 429);
  if (!(await checkSecondFactor(db, deps.secrets(), p.userId, formText(ctx.body, "code").slice(0, 64)))) {
    await recordFailure(db, keys, policy);
    return page(deps, ctx, p, { error: tText("twoFactor.wrongCode") }, 400);
  }
  await removeTwoFactor(db, p.userId);
  await recordPerson(db, p, ctx.client.ip, { kind: "two_factor", summary: "turned off two-factor sign-in", data: { step: "disabled" } });
  return redirect(ctx.request, withFlash("/admin/two-factor", "two_factor_off"));
};
