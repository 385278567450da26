import { describe, expect, test } from "bun:test";
import { SsrfGuard } from "./ssrf.ts";

const dns: Record<string, string[]> = { "public.test": ["93.184.216.34"], "sneaky.test": ["93.184.216.34", "10.1.2.3"], "intranet.test": ["10.0.0.8"], "v6.test": ["2606:4700::1111"] };
const resolver = async (h: string) => {
  if (!dns[h]) throw Object.assign(new Error("nx"), { code: "ENOTFOUND" });
  return dns[h]!;
};
const check = (url: string, allow: string[] = []) => new SsrfGuard(allow, resolver).check(new URL(url));

describe("SSRF guard", () => {
  test.each([
    ["http://127.0.0.1/", "loopback"],
    ["http://127.1/", "loopback"],
    ["http://0x7f000001/", "loopback"],
    ["http://localhost.test/", "cannot resolve"],
    ["http://169.254.169.254/latest/meta-data/", "link-local"],
    ["http://10.0.0.1/", "private"],
    ["http://192.168.1.1/", "private"],
    ["http://172.16.5.5/", "private"],
    ["http://100.64.0.1/", "carrier-grade NAT"],
    ["http://0.0.0.0/", "unspecified"],
    ["http://[::1]/", "loopback"],
    ["http://[::ffff:127.0.0.1]/", "loopback"],
    ["http://[::ffff:a9fe:a9fe]/", "link-local"],
    ["http://[fe80::1]/", "link-local"],
    ["http://[fd00:ec2::254]/", "unique-local"],
    ["http://[2002:7f00:1::]/", "6to4"],
    ["http://[2002:a00:1::1]/", "6to4"],
    ["http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "Teredo"],
    ["http://[::127.0.0.1]/", "IPv4-compatible"],
    ["http://[::7f00:1]/", "IPv4-compatible"],
    ["http://[::8.8.8.8]/", "IPv4-compatible"],
    ["http://[::ffff:7f00:1]/", "loopback"],
    ["http://[0:0:0:0:0:ffff:127.0.0.1]/", "loopback"],
    ["http://[::ffff:10.0.0.1]/", "private"],
    ["http://[64:ff9b::7f00:1]/", "NAT64"],
    ["http://[64:ff9b::8.8.8.8]/", "NAT64"],
    ["http://[64:ff9b:1::a00:1]/", "NAT64"],
    ["http://[64:ff9b:1:ffff::1]/", "NAT64"],
    ["http://[::]/", "unspecified"],
    ["http://[ff02::1]/", "multicast"],
    ["http://[fc00::1]/", "unique-local"],
    ["http://[fec0::1]/", "site-local"],
    ["http://0.1.2.3/", "unspecified"],
    ["http://0/", "unspecified"],
    ["http://224.0.0.1/", "multicast"],
    ["http://239.255.255.250/", "multicast"],
    ["http://255.255.255.255/", "broadcast"],
    ["http://100.127.255.254/", "carrier-grade NAT"],
    ["http://169.254.169.254./", "link-local"],
    ["http://2130706433/", "loopback"],
    ["http://017700000001/", "loopback"],
    ["http://0177.0.0.1/", "loopback"],
    ["http://0x7f.0.0.1/", "loopback"],
    ["http://0xa9fea9fe/", "link-local"],
    ["http://192.0.2.1/", "reserved"],
    ["http://240.0.0.1/", "reserved"],
    ["http://intranet.test/", "private"],
    ["http://sneaky.test/", "10.1.2.3, a private"],
    ["file:///etc/passwd", "scheme file:"],
    ["http://user:pw@public.test/", "credentials"],
  ])("%s is refused (%s)", async (url, why) => {
    const v = await check(url);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toContain(why);
  });

  test("public addresses pass, v4 and v6", async () => {
    expect(await check("https://public.test/x")).toEqual({ ok: true, address: "93.184.216.34" });
    expect(await check("https://v6.test/")).toEqual({ ok: true, address: "2606:4700::1111" });
  });

  test("the admin's allow_private_hosts lets listed hosts and CIDRs through, nothing else", async () => {
    expect((await check("http://intranet.test/", ["intranet.test"])).ok).toBe(true);
    expect((await check("http://10.9.9.9/", ["10.0.0.0/8"])).ok).toBe(true);
    expect((await check("http://192.168.0.1/", ["10.0.0.0/8"])).ok).toBe(false);
    expect((await check("http://127.0.0.1/", ["intranet.test"])).ok).toBe(false);
    expect((await check("http://[::ffff:10.1.1.1]/", ["10.0.0.0/8"])).ok).toBe(true);
    expect((await check("http://[64:ff9b::a00:1]/", ["10.0.0.0/8"])).ok).toBe(false);
    expect((await check("http://[64:ff9b::a00:1]/", ["64:ff9b::/96"])).ok).toBe(true);
  });
});
