/**
 * The state of one sign-in between the redirect to the IdP and its callback, kept in the browser
 * (no table, works across replicas) but sealed: AES-256-GCM under a key derived from the master key,
 * so the PKCE verifier cannot be read and nothing can be changed. Ten minutes, then it is refused.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

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

export function sealFlow(key: Uint8Array, flow: Flow): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([c.update(JSON.stringify(flow), "utf8"), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString("base64url");
}

/** The flow, or null when the cookie is missing, forged, from another key, or expired. */
export function openFlow(key: Uint8Array, sealed: unknown, now = Date.now()): Flow | null {
  if (typeof sealed !== "string" || sealed.length < 40 || sealed.length > 4000) return null;
  try {
    const raw = Buffer.from(sealed, "base64url");
    const d = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    const flow = JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8")) as Flow;
    return typeof flow.exp === "number" && flow.exp > now ? flow : null;
  } catch {
    return null;
  }
}
