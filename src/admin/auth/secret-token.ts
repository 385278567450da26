/**
 * Bearer secrets (session ids, invitation links, personal access tokens): 256 random bits, shown or
 * set once, stored only as their SHA-256 — a leaked table lets no one sign in. Unlike passwords
 * they carry full entropy, so a fast hash is enough.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function newSecretToken(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
