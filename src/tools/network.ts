/**
 * A skill's network allow-list: `*` (any public host), `host`, `*.host` (the host and its
 * subdomains), each optionally followed by a path glob (`host/api/*`). Matching is on the parsed
 * URL's hostname and pathname, so `evil.com/?x=good.com` or `good.com.evil.com` never match `good.com`.
 */
export function networkAllows(patterns: string[], url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return patterns.some((p) => {
    if (p === "*") return true;
    const cut = p.indexOf("/");
    const hostPart = (cut < 0 ? p : p.slice(0, cut)).toLowerCase();
    const pathPart = cut < 0 ? "" : p.slice(cut);
    const hostOk = hostPart === "*" || hostPart === host || (hostPart.startsWith("*.") && (host === hostPart.slice(2) || host.endsWith(hostPart.slice(1))));
    return hostOk && (!pathPart || glob(pathPart).test(url.pathname));
  });
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
}
