/**
 * Meta webhook signing: `X-Hub-Signature-256: sha256=` + hex HMAC-SHA256(app secret, raw body).
 *
 * Invariants: the MAC is computed over the exact bytes received, before anything is parsed; the
 * comparison is constant-time; an empty app secret refuses everything. Reasons never echo a secret.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type Verdict = { ok: true } | { ok: false; reason: string };

export function signMeta(appSecret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;
}

export function verifyMetaSignature(appSecret: string, header: string | null, body: Uint8Array): Verdict {
  if (!appSecret) return { ok: false, reason: "no app secret configured" };
  if (!header) return { ok: false, reason: "missing X-Hub-Signature-256" };
  const expected = Buffer.from(signMeta(appSecret, body));
  const given = Buffer.from(header.trim().toLowerCase());
  // timingSafeEqual needs equal lengths; the length of a hex digest is public anyway.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad signature" };
  return { ok: true };
}

/** Constant-time comparison of the GET verification token (hashing first equalises lengths). */
export function sameToken(given: string | null, expected: string): boolean {
  if (!expected || given === null) return false;
  const digest = (s: string) => createHmac("sha256", "verify").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
