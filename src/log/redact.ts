/**
 * Secret redaction shared by `konstruct config`, the logger and error messages. The set of secret
 * keys is the one declared next to the config schema.
 */
import { SECRET_KEYS, SECRET_MAPS, URL_KEYS } from "../config/schema.ts";

export const REDACTED = "[redacted]";

/** Query parameters that carry credentials (`?api_key=`, `?key=` of Google APIs, `?token=`…). */
const SECRET_PARAM = /^(api[_-]?key|key|x[_-]api[_-]key|token|access[_-]?token|refresh[_-]?token|id[_-]?token|auth|authorization|secret|client[_-]?secret|password|passwd|pwd|pass|sig|signature|code|session)$/i;
const SECRET_PARAM_TEXT = new RegExp(`([?&;](?:${SECRET_PARAM.source.slice(2, -2)})=)[^&#\\s]*`, "gi");

/**
 * postgres://user:pass@host/db → postgres://user:[redacted]@host/db, and the values of credential
 * query parameters (`https://h/v1?key=…`). A URL the parser rejects or misreads (an unescaped `#`,
 * `/` or `?` in the password) still has everything between `user:` and the last `@` redacted:
 * over-redacting beats printing a password.
 */
export function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    let changed = false;
    if (u.password) (u.password = "REDACTED"), (changed = true);
    for (const k of new Set(u.searchParams.keys()))
      if (SECRET_PARAM.test(k)) {
        for (const _ of u.searchParams.getAll(k)) u.searchParams.delete(k);
        u.searchParams.append(k, "REDACTED");
        changed = true;
      }
    if (changed) return u.toString().replaceAll("REDACTED", REDACTED);
    if (!value.includes("@")) return value;
  } catch {
    // fall through to the textual check
  }
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:).*@/is, `$1${REDACTED}@`).replace(SECRET_PARAM_TEXT, `$1${REDACTED}`);
}

/** A URL in prose: trailing punctuation (`…?key=x: 500`, `(see https://…).`) is not part of it. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]*[^\s"'<>`:.,;!?)\]]/gi;

/** Every URL inside free text (an error message, a log line) passed through redactUrl. */
export function redactUrlsIn(text: string): string {
  return text.includes("://") ? text.replace(URL_IN_TEXT, redactUrl) : text;
}

export function redactTree<T>(node: T, key = ""): T {
  if (typeof node === "string") {
    if (SECRET_KEYS.has(key)) return (node === "" ? "" : REDACTED) as T;
    // Any URL-valued setting (base_url, api_url, api_root, MCP url…), not only the known keys.
    if (URL_KEYS.has(key) || node.includes("://")) return redactUrlsIn(node) as T;
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
