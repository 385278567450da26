/** http_fetch's own limits against a real local server (the guard admits 127.0.0.0/8 here). */
import { afterAll, describe, expect, test } from "bun:test";
import { createHttpFetch } from "./http-fetch.ts";
import { Outbound } from "../net/outbound.ts";

const server: ReturnType<typeof Bun.serve> = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req): Promise<Response> {
    const { pathname } = new URL(req.url);
    if (pathname === "/big") return new Response("x".repeat(50_000));
    if (pathname === "/slow") return Bun.sleep(2000).then(() => new Response("late"));
    if (pathname === "/loop") return Response.redirect(`http://127.0.0.1:${server.port}/loop`, 302);
    if (pathname === "/post") return req.method === "POST" ? Response.redirect(`http://127.0.0.1:${server.port}/seen`, 303) : new Response("not a post");
    if (pathname === "/seen") return new Response(`${req.method} ${await req.text()}`);
    if (pathname === "/html") return new Response("<html><head><style>p{}</style><script>alert(1)</script></head><body><p>Hello &amp; welcome</p></body></html>", { headers: { "content-type": "text/html" } });
    return new Response("?", { status: 404 });
  },
});
afterAll(() => server.stop(true));

const tool = createHttpFetch({ outbound: new Outbound({ allowPrivate: ["127.0.0.0/8"], maxRedirects: 3 }), maxBytes: 1000, timeoutMs: 500 });
const fetchTool = (args: Record<string, unknown>, network = ["127.0.0.1"]) => tool.run({ id: "1", name: "http_fetch", arguments: args }, { tenantId: "t", agentId: "a", conversationId: "c", network }) as Promise<string>;
const url = (p: string) => `http://127.0.0.1:${server.port}${p}`;

describe("http_fetch limits", () => {
  test("bodies are cut at max_bytes and say so", async () => {
    const out = await fetchTool({ url: url("/big") });
    expect(out).toContain("(truncated at 1000 bytes)");
    expect(out.split("\n\n")[1]!.length).toBe(1000);
  });

  test("the whole exchange is bounded by timeout_ms", async () => {
    const started = Date.now();
    expect(await fetchTool({ url: url("/slow") })).toBe("error: timed out after 500 ms");
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test("redirects are bounded; a 303 after POST becomes a GET", async () => {
    expect(await fetchTool({ url: url("/loop") })).toBe("refused: more than 3 redirects");
    expect(await fetchTool({ url: url("/post"), method: "POST", body: "a=1" })).toEndWith("GET ");
  });

  test("HTML is reduced to its text; scripts and styles are dropped", async () => {
    const out = await fetchTool({ url: url("/html") });
    expect(out).toEndWith("Hello & welcome");
    expect(out).not.toContain("alert");
  });

  test("nothing leaves without the network allow-list of the skill that allowed the call", async () => {
    expect(await fetchTool({ url: url("/big") }, [])).toStartWith("refused: 127.0.0.1");
  });
});
