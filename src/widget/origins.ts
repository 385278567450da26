/**
 * The widget's origin allow-list: exact origins (`https://shop.example.com`, a port if not the
 * default), no wildcards and no paths — what a browser sends in the Origin header, compared as is.
 */

export const MAX_ORIGINS = 50;

/** Parses the console's list (one per line or space-separated): the origins, or the first error. */
export function parseOrigins(text: string): { origins: string[] } | { error: string } {
  const items = text.split(/[\s,]+/).filter(Boolean);
  if (!items.length) return { error: "at least one origin is required (e.g. https://www.example.com)" };
  if (items.length > MAX_ORIGINS) return { error: `at most ${MAX_ORIGINS} origins` };
  const origins: string[] = [];
  for (const item of items) {
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      return { error: `${item.slice(0, 100)}: not an origin (write https://host or http://host:port)` };
    }
    if ((url.protocol !== "https:" && url.protocol !== "http:") || url.origin !== item.replace(/\/$/, "") || item.includes("*"))
      return { error: `${item.slice(0, 100)}: an exact origin is scheme://host[:port], without path or wildcard` };
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return { origins };
}
