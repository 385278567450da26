/**
 * The relying party: the IdP's discovery document, fetched once per app through the SSRF guard
 * (and again after a failure, so an IdP that was down at the first click is retried). A plain-http
 * issuer is accepted only because the platform admin wrote one into the config (a loopback IdP in
 * a lab); every other check of openid-client stays on.
 */
import * as client from "openid-client";
import type { Outbound } from "../../net/outbound.ts";
import type { OidcConfig } from "./mapping.ts";

const cache = new WeakMap<OidcConfig, Promise<client.Configuration>>();

export function relyingParty(oidc: OidcConfig, outbound: Outbound): Promise<client.Configuration> {
  let rp = cache.get(oidc);
  if (!rp) {
    const insecure = new URL(oidc.issuer).protocol === "http:";
    rp = client.discovery(new URL(oidc.issuer), oidc.client_id, { id_token_signed_response_alg: "RS256" }, oidc.client_secret ? client.ClientSecretPost(oidc.client_secret) : client.None(), {
      [client.customFetch]: (url: string, init: RequestInit) => outbound.fetch(url, init),
      execute: insecure ? [client.allowInsecureRequests] : [],
      timeout: 10,
    });
    rp.catch(() => cache.delete(oidc));
    cache.set(oidc, rp);
  }
  return rp;
}
