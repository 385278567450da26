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
  const trusted = peer !== null && config.server.trusted_proxies.includes(stripV4Mapped(peer));
  const forwardedFor = trusted ? request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() : undefined;
  const proto = trusted ? request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() : undefined;
  return {
    ip: forwardedFor || (peer ? stripV4Mapped(peer) : "unknown"),
    https: config.server.public_url.startsWith("https:") || proto === "https" || new URL(request.url).protocol === "https:",
  };
}

/** Bun reports IPv4 peers on dual-stack sockets as ::ffff:a.b.c.d. */
function stripV4Mapped(ip: string): string {
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}
