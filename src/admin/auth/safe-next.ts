/**
 * Where a freshly signed-in user may be sent (`/login?next=`): only a path on this site. Browsers
 * read `\` as `/`, drop tabs and newlines inside URLs and decode `%2F`/`%5C` in some places, so
 * `/\evil`, `/\t/evil` or `/%2F%2Fevil` can all become `//evil` — a different origin. Anything that
 * is not plainly a same-origin absolute path, before and after one round of percent-decoding,
 * falls back to the console; a control character never reaches a Location header.
 */
const FALLBACK = "/admin";
const MAX_LENGTH = 2048;

function plainPath(p: string): boolean {
  if (!p.startsWith("/") || p.startsWith("//")) return false;
  // Backslash, every C0 control (tab, CR, LF, NUL…), DEL and the unicode line separators.
  if (/[\\\u0000-\u001f\u007f\u2028\u2029]/.test(p)) return false;
  // A scheme can only hide behind a leading slash once something strips it: refuse `/x:` forms too.
  return !/^\/[a-z][a-z0-9+.-]*:/i.test(p);
}

/** `next` is whatever the query or form carried: a repeated key arrives as an array. */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || !next || next.length > MAX_LENGTH || !plainPath(next)) return FALLBACK;
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return FALLBACK;
  }
  if (!plainPath(decoded)) return FALLBACK;
  try {
    // The last word belongs to a URL parser: the target must stay on this origin.
    const base = "http://konstruct.invalid";
    if (new URL(next, base).origin !== base || new URL(decoded, base).origin !== base) return FALLBACK;
  } catch {
    return FALLBACK;
  }
  return next;
}
