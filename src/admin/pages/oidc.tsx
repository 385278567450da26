/** @jsxImportSource @kitajs/html */
/**
 * GET /login/oidc (to the IdP, with state, nonce and a PKCE challenge) and GET /login/oidc/callback
 * (code → tokens → verified id_token → mapped account → session). See src/admin/oidc/README.md.
 * Every refusal is the sign-in page with the reason, status 401 (502 when the IdP cannot be
 * reached), and a `sign_in.failed` entry with `method: "oidc"`.
 */
import * as client from "openid-client";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { LoginPage } from "../../../views/admin/login.tsx";
import { cookieOptions } from "../auth/plugin.ts";
import { safeNext } from "../auth/safe-next.ts";
import { signIn } from "../auth/sign-in.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { publicBase } from "../mail.ts";
import { relyingParty } from "../oidc/client.ts";
import { FLOW_COOKIE, FLOW_TTL_MS, openFlow, sealFlow } from "../oidc/flow.ts";
import { grantFor, type OidcConfig } from "../oidc/mapping.ts";
import { refusalReason } from "../oidc/refusal.ts";
import { provision } from "../oidc/provision.ts";
import { database } from "../request.ts";
import { type Person, recordPerson } from "../trail/record.ts";
import { t } from "../../i18n/i18n.ts";

function configured(deps: ConsoleDeps): { oidc: OidcConfig; key: Uint8Array } {
  const oidc = deps.config.admin.oidc;
  const key = deps.secrets()?.deriveKey("oidc-flow");
  if (!oidc || !key) throw new KonstructError("not_found", "single sign-on is not configured");
  return { oidc, key };
}

const callbackUrl = (deps: ConsoleDeps, request: Request) => `${publicBase(deps.config, request)}/login/oidc/callback`;

async function refuse(deps: ConsoleDeps, ctx: AdminContext, reason: string, who: Person | null = null, status = 401) {
  await recordPerson(database(deps), who, ctx.client.ip, { kind: "sign_in.failed", summary: `single sign-on refused: ${reason}`, tenantId: null, data: { method: "oidc", reason } });
  return render(ctx, <LoginPage csrf={ctx.csrfToken} sso={deps.config.admin.oidc?.name} error={`Sign-in with ${deps.config.admin.oidc?.name ?? "SSO"} refused: ${reason}.`} />, t("login.title"), status);
}

export const startOidc: Handler = async (deps, ctx) => {
  const { oidc, key } = configured(deps);
  const rp = await relyingParty(oidc, deps.outbound).catch(() => null);
  if (!rp) return refuse(deps, ctx, "the identity provider could not be reached", null, 502);
  const flow = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), next: safeNext(ctx.query.next), exp: Date.now() + FLOW_TTL_MS };
  ctx.cookie[FLOW_COOKIE]!.set({ value: sealFlow(key, flow), ...cookieOptions(ctx.client), maxAge: FLOW_TTL_MS / 1000 });
  const to = client.buildAuthorizationUrl(rp, {
    redirect_uri: callbackUrl(deps, ctx.request),
    scope: oidc.scopes.join(" "),
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: "S256",
  });
  return redirect(ctx.request, to.href, 302);
};

export const finishOidc: Handler = async (deps, ctx) => {
  const { oidc, key } = configured(deps);
  const flow = openFlow(key, ctx.cookie[FLOW_COOKIE]?.value);
  // Single use: whatever happens next, this browser's flow is over.
  ctx.cookie[FLOW_COOKIE]!.set({ value: "", ...cookieOptions(ctx.client), maxAge: 0 });
  if (!flow) return refuse(deps, ctx, "the sign-in expired or was started in another browser");
  const idpError = ctx.query.error;
  if (idpError) return refuse(deps, ctx, `the identity provider answered "${idpError.replace(/[^\w.-]/g, "").slice(0, 60)}"`);
  const rp = await relyingParty(oidc, deps.outbound).catch(() => null);
  if (!rp) return refuse(deps, ctx, "the identity provider could not be reached", null, 502);
  const here = new URL(callbackUrl(deps, ctx.request));
  here.search = new URL(ctx.request.url).search;
  let claims: client.IDToken;
  try {
    const tokens = await client.authorizationCodeGrant(rp, here, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
    claims = tokens.claims()!;
  } catch (e) {
    return refuse(deps, ctx, refusalReason(e));
  }
  const email = typeof claims.email === "string" ? claims.email.slice(0, 320) : "";
  const who: Person = { userId: null, email, tenantId: null };
  if (claims.email_verified === false) return refuse(deps, ctx, "the identity provider has not verified this e-mail address", who);
  const grant = grantFor(oidc, claims);
  if (!grant) return refuse(deps, ctx, `no console role is mapped to your ${oidc.claim}`, who);
  const db = database(deps);
  const got = await provision(db, `${claims.iss} ${claims.sub}`, email, grant);
  if ("refused" in got) return refuse(deps, ctx, got.refused, who);
  const { user, created, kept } = got;
  await signIn(db, ctx, user.id, deps.config.admin.session_ttl_hours, "oidc");
  const person = { userId: user.id, email: user.email, tenantId: user.tenantId };
  if (kept) {
    deps.log.warn({ user: user.id, mapped: grant.value }, `single sign-on kept a platform admin: ${kept}`);
    await recordPerson(db, person, ctx.client.ip, { kind: "role.kept", summary: `kept platform admin: ${kept}`, data: { method: "oidc", mapped: grant.value, role: grant.role } });
  }
  await recordPerson(db, person, ctx.client.ip, { kind: "sign_in", summary: `signed in with ${oidc.name}${created ? " (account created)" : ""}`, data: { method: "oidc", provider: oidc.name.slice(0, 100), mapped: grant.value, role: grant.role, created } });
  return redirect(ctx.request, flow.next);
};
