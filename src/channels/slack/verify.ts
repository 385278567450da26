/**
 * Slack request signing, v0: `v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`).
 *
 * Invariants: the MAC is computed over the exact bytes received (never a re-serialised body), the
 * comparison is constant-time, and a timestamp more than five minutes from our clock (either way) is
 * refused, so a captured request cannot be replayed later. The reason strings are safe to return to
 * the caller: they never echo the secret or the expected signature.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const MAX_SKEW_SECONDS = 5 * 60;

export type Verdict = { ok: true } | { ok: false; reason: string };

export function signSlack(secret: string, timestamp: string | number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export function verifySlackSignature(
  secret: string,
  headers: { timestamp: string | null; signature: string | null },
  body: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Verdict {
  if (!secret) return { ok: false, reason: "no signing secret configured" };
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: "missing signature headers" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "malformed timestamp" };
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SKEW_SECONDS) return { ok: false, reason: "stale timestamp" };
  const expected = Buffer.from(signSlack(secret, timestamp, body));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; a length mismatch is no secret (the format is public).
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad signature" };
  return { ok: true };
}

/** Reads the two Slack headers from a request and verifies its raw body. */
export function verifySlackRequest(secret: string, request: Request, body: string, nowSeconds?: number): Verdict {
  return verifySlackSignature(
    secret,
    { timestamp: request.headers.get("x-slack-request-timestamp"), signature: request.headers.get("x-slack-signature") },
    body,
    nowSeconds,
  );
}
