/**
 * The state of one sign-in between the redirect to the IdP and its callback, kept in the browser
 * in a sealed cookie (auth/sealed-cookie.ts), so the PKCE verifier cannot be read and nothing can
 * be changed. Ten minutes, then it is refused.
 */
import { openJson, sealJson } from "../auth/sealed-cookie.ts";

export const FLOW_COOKIE = "konstruct_oidc";
export const FLOW_TTL_MS = 10 * 60_000;

export interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  /** Expiry, epoch ms. */
  exp: number;
}

export const sealFlow = (key: Uint8Array, flow: Flow): string => sealJson(key, flow);

/** The flow, or null when the cookie is missing, forged, from another key, or expired. */
export const openFlow = (key: Uint8Array, sealed: unknown, now = Date.now()): Flow | null => openJson<Flow>(key, sealed, now);
