/**
 * Webhook signatures, checked over the exact bytes received before anything parses them.
 *  - `github`: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`; the delivery id is
 *    `X-GitHub-Delivery` (else the body's hash: an identical body is a redelivery).
 *  - `timestamped`: `X-Konstruct-Timestamp: <unix seconds>` and
 *    `X-Konstruct-Signature: v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>`; a timestamp more than
 *    WINDOW_S away from now is refused (a captured request cannot be replayed later), and within
 *    the window the delivery id (`X-Konstruct-Delivery`, else the hash of "<ts>.<body>") refuses
 *    the replay as a duplicate.
 * Comparisons are constant-time; a refusal says only why to the record, never to the sender.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { SignatureScheme } from "../db/schema/index.ts";

export const WINDOW_S = 300;
const MAX_ID = 200;

export type Verified = { ok: true; deliveryId: string } | { ok: false; reason: string };

export function hmacHex(secret: string, data: Uint8Array | string): string {
  return createHmac("sha256", secret).update(data).digest("hex");
}

function sameHex(expected: string, given: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(given, "hex"));
}

function deliveryId(given: string | null, fallback: () => string): string {
  const id = given?.trim();
  return id ? id.slice(0, MAX_ID) : `sha256:${fallback()}`;
}

export function verify(scheme: SignatureScheme, secret: string, headers: Headers, body: Uint8Array, nowMs = Date.now()): Verified {
  if (scheme === "github") {
    const sig = /^sha256=(.*)$/.exec(headers.get("x-hub-signature-256") ?? "")?.[1];
    if (!sig) return { ok: false, reason: "missing X-Hub-Signature-256" };
    if (!sameHex(hmacHex(secret, body), sig)) return { ok: false, reason: "signature mismatch" };
    return { ok: true, deliveryId: deliveryId(headers.get("x-github-delivery"), () => createHash("sha256").update(body).digest("hex")) };
  }
  const ts = headers.get("x-konstruct-timestamp") ?? "";
  const sig = /^v1=(.*)$/.exec(headers.get("x-konstruct-signature") ?? "")?.[1];
  if (!/^\d{1,12}$/.test(ts) || !sig) return { ok: false, reason: "missing X-Konstruct-Timestamp or X-Konstruct-Signature" };
  const signed = Buffer.concat([Buffer.from(`${ts}.`), body]);
  if (!sameHex(hmacHex(secret, signed), sig)) return { ok: false, reason: "signature mismatch" };
  if (Math.abs(nowMs / 1000 - Number(ts)) > WINDOW_S) return { ok: false, reason: `timestamp outside the ${WINDOW_S / 60}-minute window (replay?)` };
  return { ok: true, deliveryId: deliveryId(headers.get("x-konstruct-delivery"), () => createHash("sha256").update(signed).digest("hex")) };
}

/** Headers a sender puts on a body (tests, docs, the console's example). */
export function sign(scheme: SignatureScheme, secret: string, body: string, o: { deliveryId?: string; nowMs?: number } = {}): Record<string, string> {
  if (scheme === "github") return { "x-hub-signature-256": `sha256=${hmacHex(secret, body)}`, ...(o.deliveryId ? { "x-github-delivery": o.deliveryId } : {}) };
  const ts = String(Math.floor((o.nowMs ?? Date.now()) / 1000));
  return { "x-konstruct-timestamp": ts, "x-konstruct-signature": `v1=${hmacHex(secret, `${ts}.${body}`)}`, ...(o.deliveryId ? { "x-konstruct-delivery": o.deliveryId } : {}) };
}
