/**
 * SSRF through admin-configured URLs (issue 10 §3.2), through the real console on both databases:
 * a tenant admin cannot point a provider base_url, a Slack api_url or a Telegram api_root at a
 * private address (literal, IPv6-mapped, or a name resolving there) — the form says why and no
 * request reaches the target; an allow-listed on-prem host works, but a redirect from it to a
 * private address is refused, and the Test buttons never echo what the remote answered.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../test/support/admin.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { agents } from "../db/schema/index.ts";
import { Outbound } from "../net/outbound.ts";

const LEAK = "INTERNAL-SECRET-BODY";
const hits: string[] = [];
const internal: ReturnType<typeof Bun.serve> = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req): Response {
    const { pathname } = new URL(req.url);
    hits.push(pathname);
    if (pathname === "/redir/v1/models") return Response.redirect(`http://127.0.0.1:${internal.port}/secret`, 302);
    if (pathname.endsWith("/auth.test")) return Response.json({ ok: false, error: `<b>${LEAK}</b>` });
    return Response.json({ error: { message: LEAK } }, { status: 401 });
  },
});
afterAll(() => internal.stop(true));

// onprem.example is the platform's allow-listed on-prem host; llm.example.com looks public but resolves privately.
const resolver = async (host: string) => ({ "onprem.example": ["127.0.0.1"], "llm.example.com": ["10.0.0.7"] })[host] ?? [];
const port = () => internal.port;

describe.each(DB_KINDS)("console × SSRF guard on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let admin: Browser;
  let adaId: string;

  beforeAll(async () => {
    // No loopback allow-list here: only onprem.example, as an operator would configure it.
    f = await consoleFixture(kind, { security: { allow_private_hosts: ["onprem.example"] } }, { outbound: new Outbound({ resolver, allowPrivate: ["onprem.example"] }) });
    admin = (await f.sessions()).tenantAdmin;
    [{ id: adaId }] = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents))) as [{ id: string }];
  });
  afterAll(() => f.cleanup());

  const provider = (id: string, base_url: string) => admin.fetch("/admin/providers?scope=tenant", { form: { id, kind: "openai", base_url, api_key: "sk-x", timeout_ms: "5000", max_concurrency: "2" } });
  const testProvider = async (id: string) => (await admin.fetch(`/admin/providers/${id}/test?scope=tenant`, { method: "POST", headers: { "hx-request": "true" } })).text();

  test.each([
    ["loopback", () => `http://127.0.0.1:${port()}/v1`, "loopback"],
    ["IPv4-mapped loopback", () => `http://[::ffff:7f00:1]:${port()}/v1`, "loopback"],
    ["IPv4-compatible loopback", () => `http://[::127.0.0.1]:${port()}/v1`, "IPv4-compatible"],
    ["decimal loopback", () => `http://2130706433:${port()}/v1`, "loopback"],
    ["a name resolving to 10/8", () => `http://llm.example.com:${port()}/v1`, "10.0.0.7, a private"],
    ["cloud metadata", () => "http://169.254.169.254/latest", "link-local"],
  ])("a provider base_url at %s is refused with a reason; nothing is sent", async (_what, url, why) => {
    hits.length = 0;
    const res = await provider("sneaky", url());
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("f-base_url-error");
    expect(html).toContain(why);
    expect(html).toContain("security.allow_private_hosts");
    expect(hits).toEqual([]);
  });

  test("Slack api_url and Telegram api_root at private addresses are refused; nothing is sent", async () => {
    hits.length = 0;
    const slack = { id: crypto.randomUUID(), kind: "slack", name: "s1", agent_id: adaId, mode: "events", api_url: `http://127.0.0.1:${port()}/api/`, bot_token: "xoxb-1", signing_secret: "s" };
    const bad = await admin.fetch(`/admin/channels?tenant=${f.acme}`, { form: slack });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="f-api_url-error">not allowed: 127.0.0.1 resolves to 127.0.0.1, a loopback');
    const tg = { id: crypto.randomUUID(), kind: "telegram", name: "t1", agent_id: adaId, mode: "polling", api_root: `http://llm.example.com:${port()}`, bot_token: "1:x" };
    const bad2 = await admin.fetch(`/admin/channels?tenant=${f.acme}`, { form: tg });
    expect(bad2.status).toBe(400);
    expect(await bad2.text()).toContain('id="f-api_root-error">not allowed: llm.example.com resolves to 10.0.0.7');
    expect(hits).toEqual([]);
  });

  test("the allow-listed on-prem host may be used; its Test answer is shown as status + our reason, never its body", async () => {
    expect((await provider("onprem", `http://onprem.example:${port()}/v1`)).status).toBe(303);
    hits.length = 0;
    const shown = await testProvider("onprem");
    expect(hits).toEqual(["/v1/models"]);
    expect(shown).toContain("HTTP 401");
    expect(shown).toContain("the endpoint refused the credentials");
    expect(shown).not.toContain(LEAK);

    const id = crypto.randomUUID();
    const slack = { id, kind: "slack", name: "s2", agent_id: adaId, mode: "events", api_url: `http://onprem.example:${port()}/api/`, bot_token: "xoxb-2", signing_secret: "s" };
    expect((await admin.fetch(`/admin/channels?tenant=${f.acme}`, { form: slack })).status).toBe(303);
    const tested = await (await admin.fetch(`/admin/channels/${id}/test?tenant=${f.acme}`, { method: "POST", headers: { "hx-request": "true" } })).text();
    expect(tested).toContain("Slack answered HTTP 200 (not a Slack API answer)");
    expect(tested).not.toContain(LEAK);
  });

  test("a redirect from the allowed host to a private address is refused before it is followed", async () => {
    expect((await provider("redir", `http://onprem.example:${port()}/redir/v1`)).status).toBe(303);
    hits.length = 0;
    const shown = await testProvider("redir");
    expect(shown).toContain("refused: 127.0.0.1 resolves to 127.0.0.1, a loopback");
    expect(hits).toEqual(["/redir/v1/models"]); // /secret never reached
  });
});
