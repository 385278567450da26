/**
 * CSRF tokens: HMAC of what identifies the browser — the session id once signed in, before that a
 * random `konstruct_csrf` cookie — under a key derived from the master key (so replicas agree and
 * nothing needs storing). A cross-site page can make the browser send the cookies but cannot read
 * the token, which must come back in `X-CSRF-Token` (htmx, via hx-headers on <body>) or `_csrf`.
 */
import { createHmac } from "node:crypto";
import { sameSecret } from "./secret-token.ts";

export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FIELD = "_csrf";

export function csrfToken(key: Uint8Array, binding: string): string {
  return createHmac("sha256", key).update(binding).digest("base64url");
}

export function csrfValid(key: Uint8Array, binding: string, presented: unknown): boolean {
  return typeof presented === "string" && presented.length > 0 && sameSecret(presented, csrfToken(key, binding));
}

export const isStateChanging = (method: string) => method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE";
