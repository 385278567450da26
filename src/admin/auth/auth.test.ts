/**
 * Sessions and CSRF through real HTTP handling: forged, missing and cross-session tokens, the
 * bearer exemption, sliding expiry, logout killing the session server-side, cookie flags.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { sessions, users } from "../../db/schema/index.ts";
import { anonymousBrowser, browser, type ConsoleFixture, consoleFixture, csrfOf, PASSWORD, signIn } from "../../../test/support/admin.ts";
import { createAccessToken } from "../accounts/access-tokens.ts";
import { createUser } from "../accounts/users.ts";
import { hashToken } from "./secret-token.ts";
import { SESSION_COOKIE } from "./plugin.ts";

describe("CSRF, sessions and cookies", () => {
  let f: ConsoleFixture;
  beforeAll(async () => {
    f = await consoleFixture("embedded", { admin: { session_ttl_hours: 2 } });
  });
  afterAll(() => f.cleanup());

  const newToken = (b: Awaited<ReturnType<typeof signIn>>, csrf?: boolean | string) => b.fetch("/admin/tokens", { form: { name: "t" }, csrf });

  test("a state-changing request without the token, with a forged one, or with another session's is 403", async () => {
    const alice = await signIn(browser(f.app), f.emails.tenantAdmin);
    const bob = await signIn(browser(f.app), f.emails.operator);
    expect((await newToken(alice, false)).status).toBe(403);
    expect((await newToken(alice, "forged-token")).status).toBe(403);
    expect((await newToken(alice, bob.csrf)).status).toBe(403);
    const denied = await newToken(alice, false);
    expect(await denied.json()).toEqual({ error: { code: "forbidden", message: "CSRF token missing or invalid: reload the page and try again" } });
    // Header (htmx) and form field (plain forms) both work.
    expect((await newToken(alice)).status).toBe(200);
    expect((await alice.fetch("/admin/tokens", { form: { name: "t", _csrf: alice.csrf }, csrf: false })).status).toBe(200);
  });

  test("the login form itself is CSRF-protected (no signing a victim into an attacker's account)", async () => {
    const b = await anonymousBrowser(f.app);
    const res = await b.fetch("/login", { form: { email: f.emails.operator, password: "correct horse battery" }, csrf: false });
    expect(res.status).toBe(403);
    expect(b.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  test("API calls with a bearer token need no CSRF token; the same call on a session does", async () => {
    const bearer = await f.app().http.handle(
      new Request(`http://localhost/api/v1/tenants/${f.acme}/agents`, {
        method: "POST",
        headers: { authorization: `Bearer ${f.tokens.tenantAdmin}`, "content-type": "application/json" },
        body: JSON.stringify({ slug: "via-token", name: "T" }),
      }),
    );
    expect(bearer.status).toBe(201);
    const s = await signIn(browser(f.app), f.emails.tenantAdmin);
    const res = await s.fetch(`/api/v1/tenants/${f.acme}/agents`, { json: { slug: "via-session", name: "S" }, csrf: false });
    expect(res.status).toBe(403);
    expect((await s.fetch(`/api/v1/tenants/${f.acme}/agents`, { json: { slug: "via-session", name: "S" } })).status).toBe(201);
  });

  test("a bearer token is only honoured on /api and a revoked or unknown one is 401", async () => {
    const page = await f.app().http.handle(new Request("http://localhost/admin", { headers: { authorization: `Bearer ${f.tokens.platformAdmin}`, accept: "text/html" } }));
    expect(page.status).toBe(302);
    const unknown = await f.app().http.handle(new Request("http://localhost/api/v1/me", { headers: { authorization: "Bearer kpat_nope" } }));
    expect(unknown.status).toBe(401);
  });

  test("the session expires when idle, slides while used, and logout ends it server-side", async () => {
    const b = await signIn(browser(f.app), f.emails.operator);
    const idHash = hashToken(b.cookies.get(SESSION_COOKIE)!);
    const expiry = async () => (await f.app().db.platform((tx) => tx.select({ e: sessions.expiresAt }).from(sessions).where(sql`id_hash = ${idHash}`)))[0]?.e;
    const ttl = 2 * 3_600_000;
    expect(Math.abs((await expiry())!.getTime() - (Date.now() + ttl))).toBeLessThan(5_000);
    // Aged session: a use moves the expiry forward again.
    await f.app().db.platform((tx) => tx.update(sessions).set({ expiresAt: new Date(Date.now() + 60_000) }).where(sql`id_hash = ${idHash}`));
    expect((await b.fetch("/admin")).status).toBe(200);
    expect(Math.abs((await expiry())!.getTime() - (Date.now() + ttl))).toBeLessThan(5_000);
    // Idle past its expiry: signed out, sent to the login page.
    await f.app().db.platform((tx) => tx.update(sessions).set({ expiresAt: new Date(Date.now() - 1_000) }).where(sql`id_hash = ${idHash}`));
    const expired = await b.fetch("/admin/tokens", { headers: { accept: "text/html" } });
    expect([expired.status, expired.headers.get("location")]).toEqual([302, "/login?next=%2Fadmin%2Ftokens"]);

    const c = await signIn(browser(f.app), f.emails.operator);
    const stolen = c.cookies.get(SESSION_COOKIE)!;
    expect((await c.fetch("/logout", { method: "POST" })).status).toBe(303);
    const replay = await f.app().http.handle(new Request("http://localhost/api/v1/me", { headers: { cookie: `${SESSION_COOKIE}=${stolen}` } }));
    expect(replay.status).toBe(401);
  });

  test("a token acts with its owner's current role, and dies with its owner (sessions too)", async () => {
    const db = f.app().db;
    const u = await createUser(db, { email: "temp-admin@acme.test", password: PASSWORD, role: "tenant_admin", tenantId: f.acme });
    const { token } = await createAccessToken(db, u.id, "ci");
    const agentsOf = () =>
      f.app().http.handle(new Request(`http://localhost/api/v1/tenants/${f.acme}/agents`, { headers: { authorization: `Bearer ${token}` } }));
    const session = await signIn(browser(f.app), "temp-admin@acme.test");
    expect((await agentsOf()).status).toBe(200);
    await db.platform((tx) => tx.update(users).set({ role: "operator" }).where(eq(users.id, u.id)));
    expect((await agentsOf()).status).toBe(403);
    // Removed by a tenant admin through the console: token and session stop at once.
    const admin = await signIn(browser(f.app), f.emails.tenantAdmin);
    expect((await admin.fetch(`/admin/users/${u.id}/delete`, { method: "POST" })).status).toBe(303);
    expect((await agentsOf()).status).toBe(401);
    expect((await session.fetch("/api/v1/me")).status).toBe(401);
  });

  test("cookies are HttpOnly and SameSite=Lax; not Secure over plain http", async () => {
    const res = await f.app().http.handle(new Request("http://localhost/login"));
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
  });

  test("htmx requests get the CSRF header on <body>, the partial, and HX-Redirect to sign in", async () => {
    const b = await signIn(browser(f.app), f.emails.tenantAdmin);
    const full = await (await b.fetch("/admin/tokens")).text();
    expect(full).toContain(`hx-headers="{&#34;X-CSRF-Token&#34;:&#34;${b.csrf}&#34;}"`);
    expect(csrfOf(full)).toBe(b.csrf);
    const partial = await (await b.fetch("/admin/tokens", { headers: { "hx-request": "true" } })).text();
    expect(partial).not.toContain("<body");
    const anon = await f.app().http.handle(new Request("http://localhost/admin/users", { headers: { "hx-request": "true", accept: "text/html" } }));
    expect([anon.status, anon.headers.get("hx-redirect")]).toEqual([401, "/login?next=%2Fadmin%2Fusers"]);
  });

  test("a browser is told why in a page, with the same status; the API in JSON", async () => {
    const op = await signIn(browser(f.app), f.emails.operator);
    const page = await op.fetch("/admin/users", { headers: { accept: "text/html" } });
    expect(page.status).toBe(403);
    const html = await page.text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain("Not allowed");
    expect(html).toContain("requires the tenant admin role");
    const api = await op.fetch(`/api/v1/tenants/${f.acme}/agents`, { headers: { accept: "application/json" } });
    expect([api.status, await api.json()]).toEqual([403, { error: { code: "forbidden", message: "requires the tenant admin role" } }]);
    const missing = await op.fetch("/admin/no-such-page", { headers: { accept: "text/html" } });
    expect([missing.status, (await missing.text()).includes("There is no page at this address.")]).toEqual([404, true]);
  });

  test("navigation shows only what the role may use", async () => {
    const op = await (await (await signIn(browser(f.app), f.emails.operator)).fetch("/admin")).text();
    const nav = (html: string) => [...html.matchAll(/<nav[\s\S]*?<\/nav>/g)][0]![0].match(/href="([^"]+)"/g)!.map((h) => h.slice(6, -1));
    expect(nav(op)).toEqual(["/admin", "/admin/inbox", "/admin/conversations", "/admin/usage", "/admin/chat", "/admin/knowledge", "/admin/approvals", "/admin/tasks", "/admin/schedules", "/admin/triggers", "/admin/tokens"]);
    const ta = await (await (await signIn(browser(f.app), f.emails.tenantAdmin)).fetch("/admin")).text();
    expect(nav(ta)).not.toContain("/admin/tenants");
    expect(nav(ta)).toContain("/admin/users");
    expect(nav(ta)).toContain("/admin/api-keys");
    expect(nav(ta)).toContain("/admin/people");
    expect(nav(ta)).toContain("/admin/teams");
    const pa = await (await (await signIn(browser(f.app), f.emails.platformAdmin)).fetch("/admin")).text();
    expect(nav(pa)).toHaveLength(22); // + inbox, teams, skills, MCP servers
  });
});

describe("Secure cookies", () => {
  test("behind https: public_url https, or X-Forwarded-Proto from a trusted proxy only", async () => {
    const f = await consoleFixture("embedded", { server: { public_url: "https://konstruct.example.com" } });
    try {
      const [cookie] = (await f.app().http.handle(new Request("http://localhost/login"))).headers.getSetCookie();
      expect(cookie).toContain("Secure");
    } finally {
      await f.cleanup();
    }
  });
});
