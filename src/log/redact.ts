/**
 * Secret redaction shared by `konstruct config`, the logger and error messages. The set of secret
 * keys is the one declared next to the config schema.
 */
import { SECRET_KEYS, SECRET_MAPS, URL_KEYS } from "../config/schema.ts";

export const REDACTED = "[redacted]";

/**
 * postgres://user:pass@host/db → postgres://user:[redacted]@host/db. A URL the parser rejects or
 * misreads (an unescaped `#`, `/` or `?` in the password) still has everything between `user:` and
 * the last `@` redacted: over-redacting beats printing a password.
 */
export function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.password) {
      u.password = "REDACTED";
      return u.toString().replace("REDACTED", REDACTED);
    }
  } catch {
    // fall through to the textual check
  }
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:).*@/is, `$1${REDACTED}@`);
}

export function redactTree<T>(node: T, key = ""): T {
  if (typeof node === "string") {
    if (SECRET_KEYS.has(key)) return (node === "" ? "" : REDACTED) as T;
    if (URL_KEYS.has(key)) return redactUrl(node) as T;
    return node;
  }
  if (Array.isArray(node)) return node.map((v) => redactTree(v, key)) as T;
  if (node && typeof node === "object") {
    if (SECRET_MAPS.has(key)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, typeof v === "string" ? (v === "" ? "" : REDACTED) : redactTree(v, k)])) as T;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, redactTree(v, k)])) as T;
  }
  return node;
}

/** pino `redact.paths`: every secret key at any depth we log objects at. */
export function pinoRedactPaths(): string[] {
  const keys = [...SECRET_KEYS, "authorization", "cookie", "token"];
  return keys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers["${k}"]`]);
}
