/**
 * The SSRF guard in front of http_fetch: a URL may only lead to a public unicast address.
 *
 * Invariants: the decision is made on the addresses the host RESOLVES to (every one of them must be
 * public), not on how the URL spells it, so `127.1`, `0x7f.1`, `[::ffff:127.0.0.1]` and a public
 * name pointing at 10.0.0.5 are all refused; it is made again on every redirect hop (http-fetch.ts);
 * IPv6 that embeds IPv4 (mapped) is judged by the IPv4 inside, and the other transition ranges
 * (6to4, Teredo, NAT64) are refused outright. Hosts or CIDRs the admin lists in
 * tools.http_fetch.allow_private_hosts pass.
 */
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export type Verdict = { ok: true; address: string } | { ok: false; reason: string };

export class SsrfGuard {
  private readonly hosts = new Set<string>();
  private readonly cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];

  constructor(allowPrivate: string[] = [], private readonly resolve: Resolver = systemResolver) {
    for (const entry of allowPrivate) {
      if (entry.includes("/")) this.cidrs.push(ipaddr.parseCIDR(entry));
      else this.hosts.add(entry.toLowerCase());
    }
  }

  async check(url: URL): Promise<Verdict> {
    if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, reason: `scheme ${url.protocol} is not allowed (http and https only)` };
    if (url.username || url.password) return { ok: false, reason: "credentials in the URL are not allowed" };
    const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    let addresses: string[];
    try {
      addresses = ipaddr.isValid(host) ? [host] : await this.resolve(host);
    } catch (e) {
      return { ok: false, reason: `cannot resolve ${host}: ${(e as { code?: string }).code ?? "lookup failed"}` };
    }
    if (!addresses.length) return { ok: false, reason: `cannot resolve ${host}` };
    if (this.hosts.has(host)) return { ok: true, address: addresses[0]! };
    for (const a of addresses) {
      const why = this.blocked(a);
      if (why) return { ok: false, reason: `${host} resolves to ${a}, a ${why} address; refused` };
    }
    return { ok: true, address: addresses[0]! };
  }

  /** Why this address must not be reached, or null if it is public (or allowed by the admin). */
  private blocked(address: string): string | null {
    let ip: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      ip = ipaddr.parse(address);
    } catch {
      return "malformed";
    }
    if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    if (this.cidrs.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits))) return null;
    const range = ip.range();
    if (range === "unicast") return null;
    return RANGE_NAMES[range] ?? range;
  }
}

const RANGE_NAMES: Record<string, string> = {
  private: "private (RFC 1918)",
  loopback: "loopback",
  linkLocal: "link-local (incl. cloud metadata)",
  carrierGradeNat: "carrier-grade NAT (RFC 6598)",
  uniqueLocal: "unique-local IPv6 (incl. cloud metadata)",
  unspecified: "unspecified",
};
