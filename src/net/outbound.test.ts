/** The guarded fetch against a real local server: per-hop checks, pinning, caps. */
import { afterAll, describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { Outbound, OutboundRefused, refusalIn } from "./outbound.ts";

const bomb = gzipSync(Buffer.alloc(100_000, 120));

const hits: string[] = [];
const server: ReturnType<typeof Bun.serve> = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req): Response {
    const { pathname } = new URL(req.url);
    hits.push(`${pathname} host=${req.headers.get("host")}`);
    if (pathname === "/to-loopback") return Response.redirect(`http://127.0.0.1:${server.port}/secret`, 302);
    if (pathname === "/to-named") return Response.redirect(`http://api.test:${server.port}/ok`, 307);
    if (pathname === "/big") return new Response("x".repeat(10_000));
    if (pathname === "/bomb") return new Response(bomb, { headers: { "content-encoding": "gzip", "content-length": String(bomb.byteLength) } });
    if (pathname === "/streamed") return new Response(new Blob(["x".repeat(10_000)]).stream());
    return new Response("ok");
  },
});
afterAll(() => server.stop(true));

// api.test is "public" by name and allowed by name; it lives on loopback like an on-prem endpoint.
const resolver = async (host: string) => ({ "api.test": ["127.0.0.1"], "evil.test": ["93.184.216.34", "127.0.0.1"] })[host] ?? [];
const named = (path: string) => `http://api.test:${server.port}${path}`;
const refused = (p: Promise<unknown>) => p.then(() => "no refusal", (e: unknown) => (e instanceof OutboundRefused ? e.message : `other: ${e}`));

describe("Outbound", () => {
  test("without the allow-list a loopback URL is refused and nothing is sent", async () => {
    hits.length = 0;
    expect(await refused(new Outbound().fetch(`http://127.0.0.1:${server.port}/x`))).toContain("loopback");
    expect(await refused(new Outbound({ resolver }).fetch(`http://evil.test:${server.port}/x`))).toContain("127.0.0.1, a loopback");
    expect(hits).toEqual([]);
  });

  test("an allowed name is pinned to the address that was checked; the Host header keeps the name", async () => {
    hits.length = 0;
    const res = await new Outbound({ resolver, allowPrivate: ["api.test"] }).fetch(named("/ok"));
    expect(await res.text()).toBe("ok");
    expect(res.url).toBe(named("/ok"));
    expect(hits).toEqual([`/ok host=api.test:${server.port}`]);
  });

  test("each redirect hop is checked again: a redirect to a private address is refused before it is followed", async () => {
    hits.length = 0;
    const out = new Outbound({ resolver, allowPrivate: ["api.test"] });
    expect(await refused(out.fetch(named("/to-loopback")))).toContain("127.0.0.1 resolves to 127.0.0.1, a loopback");
    expect(hits).toEqual([`/to-loopback host=api.test:${server.port}`]); // /secret never reached
    const followed = await out.fetch(named("/to-named"), { method: "POST", body: "a=1" });
    expect(await followed.text()).toBe("ok");
  });

  test("hops are limited; bodies are capped; a per-hop veto applies to every hop", async () => {
    const out = new Outbound({ allowPrivate: ["127.0.0.0/8"], maxRedirects: 0, maxBytes: 1000 });
    expect(await refused(out.fetch(`http://127.0.0.1:${server.port}/to-loopback`))).toBe("refused: more than 0 redirects");
    const big = await out.fetch(`http://127.0.0.1:${server.port}/big`);
    expect(await refused(big.text())).toBe("refused: response larger than 1000 bytes");
    // A compressed body's declared length is not what it decodes to; an undeclared one is counted as it comes.
    expect(bomb.byteLength).toBeLessThan(1000);
    expect(await refused((await out.fetch(`http://127.0.0.1:${server.port}/bomb`)).text())).toBe("refused: response larger than 1000 bytes");
    expect(await refused((await out.fetch(`http://127.0.0.1:${server.port}/streamed`)).text())).toBe("refused: response larger than 1000 bytes");
    // Within the cap by its declared length: the body as sent, named by the URL asked for.
    const small = await out.fetch(`http://127.0.0.1:${server.port}/x`);
    expect([await small.text(), small.url]).toEqual(["ok", `http://127.0.0.1:${server.port}/x`]);
    expect(await refused(out.request(`http://127.0.0.1:${server.port}/x`, {}, () => "not for this skill"))).toBe("refused: not for this skill");
  });

  test("refusal() words a form error; an unresolvable name may still be saved", async () => {
    const out = new Outbound({ resolver });
    expect(await out.refusal("http://[::ffff:7f00:1]:11434")).toContain("security.allow_private_hosts");
    expect(await out.refusal("https://nowhere.test/v1")).toBeNull();
    expect(await new Outbound({ allowPrivate: ["127.0.0.0/8"] }).refusal("http://127.0.0.1:11434")).toBeNull();
  });

  test("refusalIn finds the refusal inside an SDK's wrapping error", () => {
    const inner = new OutboundRefused("x");
    expect(refusalIn(new Error("Connection error.", { cause: inner }))).toBe(inner);
    expect(refusalIn(Object.assign(new Error("request failed"), { original: inner }))).toBe(inner);
    expect(refusalIn(new Error("plain"))).toBeUndefined();
  });
});
