/**
 * The SSRF guard in front of every outbound URL (http_fetch, and through outbound.ts the LLM
 * providers, Slack, Telegram, MCP and the console's Test buttons): a URL may only lead to a public
 * unicast address.
 *
 * Invariants: the decision is made on the addresses the host RESOLVES to (every one of them must be
 * public), not on how the URL spells it, so `127.1`, `0x7f.1`, `[::ffff:127.0.0.1]` and a public
 * name pointing at 10.0.0.5 are all refused; it is made again on every redirect hop (http-fetch.ts);
 * IPv6 that embeds IPv4 (mapped `::ffff:a.b.c.d`) is judged by the IPv4 inside; the deprecated
 * IPv4-compatible form (`::a.b.c.d`) and the other transition ranges (6to4, Teredo, NAT64
 * `64:ff9b::/96` and `64:ff9b:1::/48`) are refused outright, since the IPv4 they lead to is not ours
 * to judge. Anything ipaddr.js does not call plain `unicast` (multicast, reserved, broadcast,
 * 0.0.0.0/8, documentation ranges…) is refused. Hosts or CIDRs on the allow-list given (the
 * platform's security.allow_private_hosts, or tools.http_fetch.allow_private_hosts) pass.
 */
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** `unresolved`: refused only because the name did not resolve (a form may still save it). */
export type Verdict = { ok: true; address: string } | { ok: false; reason: string; unresolved?: true };

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
      return { ok: false, reason: `cannot resolve ${host}: ${(e as { code?: string }).code ?? "lookup failed"}`, unresolved: true };
    }
    if (!addresses.length) return { ok: false, reason: `cannot resolve ${host}`, unresolved: true };
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
    if (this.allowed(ip)) return null;
    if (ip.kind() === "ipv6") {
      const v6 = ip as ipaddr.IPv6;
      const special = V6_REFUSED.find(([net, bits]) => v6.match(net, bits) && !v6.match(ALL_ZERO_OR_ONE, 127));
      if (special) return special[2];
      if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
      if (this.allowed(ip)) return null;
    }
    const range = ip.range();
    if (range === "unicast") return null;
    return RANGE_NAMES[range] ?? range;
  }

  private allowed(ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    return this.cidrs.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
  }
}

/** :: and ::1 (judged by range() below) are the only ::/96 addresses that are not IPv4-compatible. */
const ALL_ZERO_OR_ONE = ipaddr.IPv6.parse("::");

/**
 * Ranges ipaddr.js calls plain unicast (or mis-files) that still lead somewhere else: `::a.b.c.d`
 * (IPv4-compatible; WHATWG URL spells it `[::7f00:1]`) and NAT64 local-use 64:ff9b:1::/48.
 */
const V6_REFUSED: [ipaddr.IPv6, number, string][] = [
  [ipaddr.IPv6.parse("::"), 96, "IPv4-compatible IPv6 (::a.b.c.d)"],
  [ipaddr.IPv6.parse("64:ff9b:1::"), 48, "NAT64 (64:ff9b:1::/48)"],
  [ipaddr.IPv6.parse("fec0::"), 10, "site-local IPv6 (fec0::/10)"],
];

const RANGE_NAMES: Record<string, string> = {
  private: "private (RFC 1918)",
  loopback: "loopback",
  linkLocal: "link-local (incl. cloud metadata)",
  carrierGradeNat: "carrier-grade NAT (RFC 6598)",
  uniqueLocal: "unique-local IPv6 (incl. cloud metadata)",
  unspecified: "unspecified (0.0.0.0/8 or ::)",
  rfc6052: "NAT64 (64:ff9b::/96, 64:ff9b:1::/48)",
  rfc6145: "SIIT IPv4-translated",
  "6to4": "6to4 (2002::/16)",
  teredo: "Teredo (2001::/32)",
  multicast: "multicast",
  broadcast: "broadcast",
  reserved: "reserved",
};
