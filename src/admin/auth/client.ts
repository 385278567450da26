/**
 * What we know about the client: its IP (for login throttling) and whether it reached us over HTTPS
 * (for Secure cookies). X-Forwarded-* headers are believed only from a peer in
 * server.trusted_proxies; anyone else could write them.
 */
import type { Config } from "../../config/schema.ts";

export interface ClientInfo {
  ip: string;
  https: boolean;
}

export function clientInfo(config: Config, request: Request, peer: string | null): ClientInfo {
  const proxies = config.server.trusted_proxies;
  const trusted = peer !== null && proxies.includes(stripV4Mapped(peer));
  const proto = trusted ? request.headers.get("x-forwarded-proto")?.split(",").at(-1)?.trim() : undefined;
  return {
    ip: (trusted && forwardedClient(request, proxies)) || (peer ? stripV4Mapped(peer) : "unknown"),
    https: config.server.public_url.startsWith("https:") || proto === "https" || new URL(request.url).protocol === "https:",
  };
}

/**
 * Each proxy appends the address it saw, so only the right end of X-Forwarded-For is vouched for:
 * the client is the rightmost hop that is not one of our proxies (anything left of it the client
 * may have written itself).
 */
function forwardedClient(request: Request, proxies: string[]): string | undefined {
  const hops = (request.headers.get("x-forwarded-for") ?? "").split(",").map((h) => stripV4Mapped(h.trim())).filter(Boolean);
  while (hops.length > 1 && proxies.includes(hops.at(-1)!)) hops.pop();
  return hops.at(-1);
}

/** Bun reports IPv4 peers on dual-stack sockets as ::ffff:a.b.c.d. */
function stripV4Mapped(ip: string): string {
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}
