/**
 * OpenID Connect sign-in through createApp against a real provider on loopback
 * (test/support/oidc.ts), on both databases: the button, the whole code + PKCE flow, accounts
 * created and re-mapped from IdP groups, and every refusal — no mapping, bad state, a callback
 * without this browser's flow, another nonce, another issuer, another audience, an expired or an
 * unsigned id_token, an IdP error — as a page and an audit entry, with no session.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, browser, type ConsoleFixture, consoleFixture, csrfOf } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { type Misbehaviour, type OidcProvider, startOidcProvider } from "../../../test/support/oidc.ts";
import { platformAudit, users } from "../../db/schema/index.ts";
import { SESSION_COOKIE } from "../auth/plugin.ts";

const CALLBACK = "http://localhost/login/oidc/callback";

describe.each(DB_KINDS)("OIDC sign-in on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let idp: OidcProvider;
  beforeAll(async () => {
    idp = startOidcProvider({ redirectUris: [CALLBACK] });
    f = await consoleFixture(kind, {
      admin: {
        oidc: {
          name: "Corp SSO",
          issuer: idp.issuer,
          client_id: idp.clientId,
          client_secret: idp.clientSecret,
          scopes: ["openid", "email", "groups"],
          mappings: [
            { value: "konstruct-root", role: "platform_admin" },
            { value: "acme-admins", role: "tenant_admin", tenant: "acme" },
            { value: "acme-support", role: "operator", tenant: "acme" },
            { value: "ghost-admins", role: "tenant_admin", tenant: "no-such-tenant" },
          ],
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await f.cleanup();
    idp.stop();
  });

  /** Click the button, let the IdP answer, follow its redirect back; the callback's response. */
  async function viaIdp(b: Browser, opts: { misbehave?: Misbehaviour; editCallback?: (u: URL) => void } = {}) {
    const start = await b.fetch("/login/oidc?next=%2Fadmin%2Fusage");
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get("location")!);
    expect(authorize.origin).toBe(idp.issuer);
    expect([authorize.searchParams.get("code_challenge_method"), authorize.searchParams.get("redirect_uri")]).toEqual(["S256", CALLBACK]);
    idp.misbehave = opts.misbehave ?? null;
    const back = await fetch(authorize, { redirect: "manual" });
    const callback = new URL(back.headers.get("location")!);
    opts.editCallback?.(callback);
    return b.fetch(callback.pathname + callback.search);
  }
  const roleOf = async (email: string) => (await f.app().db.platform((tx) => tx.select().from(users).where(eq(users.email, email))))[0];
  const refusals = async () => (await f.app().db.platform((tx) => tx.select().from(platformAudit).where(eq(platformAudit.kind, "sign_in.failed")))).map((r) => r.summary);

  test("the sign-in page offers the button", async () => {
    const html = await (await browser(f.app).fetch("/login")).text();
    expect(html).toContain('href="/login/oidc"');
    expect(html).toContain("Sign in with Corp SSO");
  });

  test("first sign-in creates the account from the group mapping; a later one follows the groups", async () => {
    idp.user = { sub: "emp-42", email: "Dana@Acme.test", groups: ["staff", "acme-admins"] };
    const b = browser(f.app);
    const res = await viaIdp(b);
    expect([res.status, res.headers.get("location")]).toEqual([303, "/admin/usage"]);
    const dana = (await roleOf("dana@acme.test"))!;
    expect([dana.role, dana.tenantId, dana.oidcSubject]).toEqual(["tenant_admin", f.acme, `${idp.issuer} emp-42`]);
    b.csrf = csrfOf(await (await b.fetch("/admin/users")).text());
    expect((await b.fetch("/admin/users")).status).toBe(200); // a tenant admin's page
    const trail = (await (await b.fetch(`/admin/audit.json?tenant=${f.acme}&kind=sign_in`)).json()) as { actor: string; data: Record<string, unknown> }[];
    expect(trail.map((e) => [e.actor, e.data.method, e.data.mapped, e.data.created])).toContainEqual(["dana@acme.test", "oidc", "acme-admins", true]);

    // Moved to support at the IdP: operator at the next sign-in, the same account, old session ended.
    idp.user = { ...idp.user, groups: ["acme-support"] };
    const again = await viaIdp(browser(f.app));
    expect(again.status).toBe(303);
    const after = (await roleOf("dana@acme.test"))!;
    expect([after.id, after.role]).toEqual([dana.id, "operator"]);
    expect((await b.fetch("/admin/users", { headers: { accept: "text/html" } })).status).toBe(302);
  });

  test("a group mapped to platform admin; an existing password account is linked by its verified e-mail", async () => {
    idp.user = { sub: "it-1", email: f.emails.platformAdmin, groups: ["konstruct-root"] };
    const b = browser(f.app);
    expect((await viaIdp(b)).status).toBe(303);
    const root = (await roleOf(f.emails.platformAdmin))!;
    expect([root.id, root.role, root.oidcSubject]).toEqual([f.userIds.platformAdmin, "platform_admin", `${idp.issuer} it-1`]);
    expect((await b.fetch("/admin/tenants")).status).toBe(200);
  });

  test("a mapping never demotes the last platform admin: kept, warned, audited; with another one it does", async () => {
    idp.user = { sub: "it-1", email: f.emails.platformAdmin, groups: ["acme-admins"] };
    const b = browser(f.app);
    expect((await viaIdp(b)).status).toBe(303);
    expect((await roleOf(f.emails.platformAdmin))!.role).toBe("platform_admin");
    expect((await b.fetch("/admin/tenants")).status).toBe(200);
    const kept = await f.app().db.platform((tx) => tx.select().from(platformAudit).where(eq(platformAudit.kind, "role.kept")));
    expect(kept.map((r) => [r.actor, r.summary])).toEqual([[f.emails.platformAdmin, "kept platform admin: the mapping makes them tenant_admin, but they are the last platform admin"]]);
    // A second platform admin exists: the mapping is followed again.
    await f.app().db.platform((tx) => tx.insert(users).values({ email: "second-root@corp.test", passwordHash: "x", role: "platform_admin" }));
    expect((await viaIdp(browser(f.app))).status).toBe(303);
    expect([(await roleOf(f.emails.platformAdmin))!.role, (await roleOf(f.emails.platformAdmin))!.tenantId]).toEqual(["tenant_admin", f.acme]);
    // Back to how the other tests expect it.
    idp.user = { sub: "it-1", email: f.emails.platformAdmin, groups: ["konstruct-root"] };
    expect((await viaIdp(browser(f.app))).status).toBe(303);
    await f.app().db.platform((tx) => tx.delete(users).where(eq(users.email, "second-root@corp.test")));
  });

  test("no mapping, an unknown mapped tenant, or an unverified e-mail: refused, no account, audited", async () => {
    for (const [user, why] of [
      [{ sub: "x-1", email: "eve@corp.test", groups: ["everyone"] }, "no console role is mapped to your groups"],
      [{ sub: "x-2", email: "gus@corp.test", groups: ["ghost-admins"] }, 'tenant "no-such-tenant", which does not exist'],
      [{ sub: "x-3", email: "unverified@corp.test", email_verified: false, groups: ["acme-admins"] }, "has not verified this e-mail"],
    ] as const) {
      idp.user = { ...user, groups: [...user.groups] };
      const b = browser(f.app);
      const res = await viaIdp(b);
      expect(res.status).toBe(401);
      expect((await res.text()).replaceAll("&quot;", '"')).toContain(why);
      expect(b.cookies.has(SESSION_COOKIE)).toBe(false);
      expect(await roleOf(user.email)).toBeUndefined();
      expect((await refusals()).some((s) => s.includes(why))).toBe(true);
    }
  });

  const cases: [string, { misbehave?: Misbehaviour; editCallback?: (u: URL) => void }, string][] = [
    ["a forged state", { editCallback: (u) => u.searchParams.set("state", "forged") }, "the state did not match"],
    ["another nonce", { misbehave: "nonce" }, "nonce did not match"],
    ["another issuer", { misbehave: "issuer" }, "wrong issuer"],
    ["another audience", { misbehave: "audience" }, "issued to another client"],
    ["an expired id_token", { misbehave: "expired" }, "has expired"],
    ["an unsigned id_token (alg none)", { misbehave: "unsigned" }, "not validly signed"],
    ["an error from the IdP", { editCallback: (u) => (u.searchParams.delete("code"), u.searchParams.set("error", "access_denied<script>")) }, 'answered "access_deniedscript"'],
  ];
  test.each(cases)("%s is refused with a page, an audit entry and no session", async (_name, opts, why) => {
    idp.user = { sub: "emp-7", email: "mallory@acme.test", groups: ["acme-admins"] };
    const b = browser(f.app);
    const res = await viaIdp(b, opts);
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain("Sign-in with Corp SSO refused");
    expect(html.replaceAll("&quot;", '"')).toContain(why);
    expect(b.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await roleOf("mallory@acme.test")).toBeUndefined();
    expect((await refusals()).some((s) => s.includes(why))).toBe(true);
  });

  test("a callback in a browser that did not start the sign-in, or replayed, is refused", async () => {
    idp.user = { sub: "emp-8", email: "trent@acme.test", groups: ["acme-admins"] };
    const victim = browser(f.app);
    const start = await browser(f.app).fetch("/login/oidc");
    const back = new URL((await fetch(start.headers.get("location")!, { redirect: "manual" })).headers.get("location")!);
    const res = await victim.fetch(back.pathname + back.search);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("expired or was started in another browser");
    // The real browser, twice: the second use finds its flow cookie gone.
    const b = browser(f.app);
    let replay = "";
    expect((await viaIdp(b, { editCallback: (u) => (replay = u.pathname + u.search) })).status).toBe(303);
    b.cookies.delete(SESSION_COOKIE);
    expect((await b.fetch(replay)).status).toBe(401);
  });

  test("nothing secret reaches the trail", async () => {
    const rows = JSON.stringify(await f.app().db.driver.raw.query("select * from audit_log")) + JSON.stringify(await f.app().db.platform((tx) => tx.select().from(platformAudit)));
    expect(rows).not.toContain(idp.clientSecret);
    expect(rows).not.toContain("eyJ"); // no JWT (id_token) of any kind
    expect(rows).not.toContain("code_verifier");
  });
});
