/**
 * A short-lived value kept in the browser (no table, works across replicas) but sealed:
 * AES-256-GCM under a key derived from the master key, so it can be neither read nor changed, and
 * one purpose's cookie never opens under another's key. Each value carries its own expiry.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export function sealJson<T extends { exp: number }>(key: Uint8Array, value: T): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([c.update(JSON.stringify(value), "utf8"), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString("base64url");
}

/** The value, or null when the cookie is missing, forged, from another key, or expired. */
export function openJson<T extends { exp: number }>(key: Uint8Array, sealed: unknown, now = Date.now()): T | null {
  if (typeof sealed !== "string" || sealed.length < 40 || sealed.length > 4000) return null;
  try {
    const raw = Buffer.from(sealed, "base64url");
    const d = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    const value = JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8")) as T;
    return typeof value.exp === "number" && value.exp > now ? value : null;
  } catch {
    return null;
  }
}
