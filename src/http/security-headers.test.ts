/**
 * Every response carries the security headers — pages, redirects, error pages, JSON, static files —
 * and no console page contains what the CSP would block: inline script, inline event handlers
 * (htmx's hx-on included: it needs eval), inline style.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ConsoleFixture, consoleFixture } from "../../test/support/admin.ts";
import { CONTENT_SECURITY_POLICY } from "./security-headers.ts";

const PAGES = ["/admin", "/admin/users", "/admin/tokens", "/admin/password", "/admin/tenants", "/admin/agents", "/admin/channels", "/admin/conversations", "/admin/audit", "/admin/usage", "/admin/providers", "/admin/chat", "/admin/knowledge", "/admin/approvals", "/admin/api"];

function expectSecure(res: Response, what: string) {
  expect([what, res.headers.get("content-security-policy")]).toEqual([what, CONTENT_SECURITY_POLICY]);
  expect([what, res.headers.get("x-frame-options")]).toEqual([what, "DENY"]);
  expect([what, res.headers.get("x-content-type-options")]).toEqual([what, "nosniff"]);
  expect([what, res.headers.get("referrer-policy")]).toEqual([what, "same-origin"]);
}

test("the policy: no inline script or eval, no framing", () => {
  expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
  expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe");
});

describe("security headers", () => {
  let f: ConsoleFixture;
  beforeAll(async () => {
    f = await consoleFixture("embedded");
  });
  afterAll(() => f.cleanup());
  const get = (path: string, headers: Record<string, string> = {}) => f.app().http.handle(new Request(`http://localhost${path}`, { headers }));

  test("on pages, redirects, errors, JSON and static files", async () => {
    expectSecure(await get("/login"), "login page");
    expectSecure(await get("/admin", { accept: "text/html" }), "redirect to login");
    expectSecure(await get("/api/v1/me"), "401 JSON");
    expectSecure(await get("/nope", { accept: "text/html" }), "404 page");
    expectSecure(await get("/static/app.css"), "css");
    const js = await get("/static/app.js");
    expectSecure(js, "app.js");
    expect(js.headers.get("content-type")).toContain("javascript");
    expect(await js.text()).toContain("data-reset-on-success");
    expectSecure(await get("/healthz"), "healthz");
  });

  test("no console page carries inline script, event handlers or style", async () => {
    const s = await f.sessions();
    for (const path of PAGES) {
      const res = await s.platformAdmin!.fetch(`${path}${path === "/admin/chat" || path === "/admin/knowledge" ? `?tenant=${f.acme}` : ""}`);
      expect([path, res.status]).toEqual([path, 200]);
      expectSecure(res, path);
      const html = await res.text();
      expect([path, html.match(/<script(?![^>]*\ssrc=)[^>]*>/g)]).toEqual([path, null]);
      expect([path, html.match(/\s(on[a-z]+|hx-on[:-][^=\s]*)=/gi)]).toEqual([path, null]);
      expect([path, html.match(/<style|\sstyle=/gi)]).toEqual([path, null]);
    }
  });
});
