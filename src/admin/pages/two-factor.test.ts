/**
 * TOTP two-factor sign-in through createApp on both databases: enrolment (QR, key, confirming code,
 * recovery codes once, the secret sealed and the codes hashed at rest), the code step after the
 * password (no session before it, a code good once, recovery codes used up, wrong codes throttled
 * to 429), turning it off with a code, a tenant's rule sending a password session to enrolment,
 * an admin's reset within their tenant only, and the trail.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, browser, type ConsoleFixture, consoleFixture, csrfOf, PASSWORD, signIn } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { auditLog, loginThrottle, tenants, users } from "../../db/schema/index.ts";
import { createSession } from "../accounts/sessions.ts";
import { SESSION_COOKIE } from "../auth/plugin.ts";
import { PENDING_COOKIE } from "../two-factor/pending.ts";
import { codeAt, PERIOD_S } from "../two-factor/totp.ts";

describe.each(DB_KINDS)("two-factor sign-in on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let secret = "";
  let recovery: string[] = [];
  let confirming = "";
  beforeAll(async () => {
    f = await consoleFixture(kind, { admin: { login_max_failures: 5, login_window_minutes: 15 } });
  }, 180_000);
  afterAll(() => f.cleanup());
  // Every request comes from one IP here: each test starts with no failures counted.
  afterEach(() => f.app().db.platform((tx) => tx.delete(loginThrottle)));

  const userRow = async (email: string) => (await f.app().db.platform((tx) => tx.select().from(users).where(eq(users.email, email))))[0]!;
  const trail = async (kind: string) => (await f.app().db.withTenant(f.acme, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, kind as never)))).map((r) => r.summary);
  /** Password first: the answer and the browser, which holds at most the pending cookie. */
  async function password(email: string): Promise<[Response, Browser]> {
    const b = browser(f.app);
    b.csrf = csrfOf(await (await b.fetch("/login")).text());
    return [await b.fetch("/login", { form: { email, password: PASSWORD, next: "/admin/usage" } }), b];
  }
  const code = (b: Browser, typed: string) => b.fetch("/login/two-factor", { form: { code: typed } });

  test("enrolment: a QR code and key until a first code confirms; recovery codes shown once; sealed and hashed at rest", async () => {
    const b = await signIn(browser(f.app), f.emails.operator);
    expect(await (await b.fetch("/admin/two-factor")).text()).toContain('action="/admin/two-factor/start"');
    expect((await b.fetch("/admin/two-factor/start", { form: {} })).status).toBe(303);
    const html = await (await b.fetch("/admin/two-factor")).text();
    secret = /data-totp-secret>([A-Z2-7]+)</.exec(html)![1]!;
    expect(html).toContain("<svg");
    expect(html).toContain(`otpauth://totp/Konstruct:ops%40acme.test?issuer=Konstruct&amp;secret=${secret}`);
    const wrong = await b.fetch("/admin/two-factor/confirm", { form: { code: "000000" } });
    expect([wrong.status, (await userRow(f.emails.operator)).totpEnabledAt]).toEqual([400, null]);
    confirming = codeAt(secret, Date.now());
    const ok = await b.fetch("/admin/two-factor/confirm", { form: { code: confirming } });
    const page = await ok.text();
    recovery = [...page.matchAll(/<li><code>([a-z2-9-]{19})<\/code><\/li>/g)].map((m) => m[1]!);
    expect([ok.status, recovery.length, new Set(recovery).size]).toEqual([200, 10, 10]);
    expect(await (await b.fetch("/admin/two-factor")).text()).not.toContain(recovery[0]!);
    const row = await userRow(f.emails.operator);
    expect(row.totpEnabledAt).not.toBeNull();
    expect(Buffer.from(row.totpSecret!).toString("latin1")).not.toContain(secret);
    expect(JSON.stringify(row.totpRecovery)).not.toContain(recovery[0]!.replaceAll("-", ""));
    expect(await trail("two_factor")).toContain("turned on two-factor sign-in");
  });

  test("the password alone opens no session; the code does, once; a recovery code works once", async () => {
    const [res, b] = await password(f.emails.operator);
    expect([res.status, res.headers.get("location")]).toEqual([303, "/login/two-factor"]);
    expect([b.cookies.has(SESSION_COOKIE), b.cookies.has(PENDING_COOKIE)]).toEqual([false, true]);
    expect((await b.fetch("/admin/usage")).status).toBe(401);
    const wrong = await code(b, "123456");
    expect([wrong.status, b.cookies.has(SESSION_COOKIE)]).toEqual([401, false]);
    // The confirming code's step was used: the same code is refused, the next step's is taken.
    expect((await code(b, confirming)).status).toBe(401);
    const next = codeAt(secret, Date.now() + PERIOD_S * 1000);
    const ok = await code(b, next);
    expect([ok.status, ok.headers.get("location"), b.cookies.has(SESSION_COOKIE), b.cookies.has(PENDING_COOKIE)]).toEqual([303, "/admin/usage", true, false]);
    expect((await b.fetch("/admin/usage")).status).toBe(200);
    const [, again] = await password(f.emails.operator);
    expect((await code(again, next)).status).toBe(401);
    expect((await code(again, ` ${recovery[0]!.toUpperCase()} `)).status).toBe(303);
    const [, third] = await password(f.emails.operator);
    expect((await code(third, recovery[0]!)).status).toBe(401);
    expect((await userRow(f.emails.operator)).totpRecovery.length).toBe(9);
    expect(await trail("sign_in")).toEqual(expect.arrayContaining(["signed in with a two-factor code", "signed in with a recovery code"]));
    expect((await trail("sign_in.failed")).filter((s) => s.includes("two-factor")).length).toBeGreaterThanOrEqual(3);
    // Without the pending cookie the step sends back to the password.
    const back = await browser(f.app).fetch("/login/two-factor");
    expect([back.status, back.headers.get("location")]).toEqual([303, "/login"]);
  });

  test("wrong codes are throttled: at the limit even the right code gets 429", async () => {
    const [, b] = await password(f.emails.operator);
    for (const c of ["111111", "222222", "333333", "444444", "555555"]) expect((await code(b, c)).status).toBe(401);
    const blocked = await code(b, recovery[1]!);
    expect([blocked.status, blocked.headers.get("retry-after") !== null, b.cookies.has(SESSION_COOKIE)]).toEqual([429, true, false]);
  });

  test("a tenant's rule: a password session without two-factor reaches only enrolment; single sign-on and other tenants are not affected", async () => {
    const admin = await signIn(browser(f.app), f.emails.tenantAdmin);
    expect((await admin.fetch("/admin/users/two-factor-policy", { form: { tenant_id: f.acme, require: "on" } })).status).toBe(303);
    expect((await f.app().db.platform((tx) => tx.select().from(tenants).where(eq(tenants.id, f.acme))))[0]!.requireTwoFactor).toBe(true);
    // Another tenant's admin cannot set acme's rule.
    const globex = await signIn(browser(f.app), f.emails.otherAdmin);
    expect((await globex.fetch("/admin/users/two-factor-policy", { form: { tenant_id: f.acme } })).status).toBe(403);
    const agents = await admin.fetch("/admin/agents");
    expect([agents.status, agents.headers.get("location")]).toEqual([302, "/admin/two-factor"]);
    expect((await admin.fetch(`/api/v1/tenants/${f.acme}/agents`)).status).toBe(403);
    expect(await (await admin.fetch("/admin/two-factor")).text()).toContain("requires two-factor sign-in");
    expect((await globex.fetch("/admin/agents")).status).toBe(200);
    // Signed in through the IdP (which does its own factors): not sent to enrolment.
    const sso = browser(f.app);
    sso.cookies.set(SESSION_COOKIE, await createSession(f.app().db, f.userIds.tenantAdmin, 3_600_000, "oidc"));
    expect((await sso.fetch("/admin/agents")).status).toBe(200);
    // The operator has it: they go on; turning it off is refused while the rule holds.
    const ops = await code((await password(f.emails.operator))[1], recovery[2]!);
    expect(ops.status).toBe(303);
    const [, b] = await password(f.emails.operator);
    await code(b, recovery[3]!);
    b.csrf = csrfOf(await (await b.fetch("/admin/usage")).text());
    expect((await b.fetch("/admin/two-factor/disable", { form: { code: recovery[4]! } })).status).toBe(400);
    // Not even the tenant admin lifts the rule before enrolling; a platform admin can.
    const lift = await admin.fetch("/admin/users/two-factor-policy", { form: { tenant_id: f.acme } });
    expect([lift.status, lift.headers.get("location")]).toEqual([303, "/admin/two-factor"]);
    const root = await signIn(browser(f.app), f.emails.platformAdmin);
    expect((await root.fetch("/admin/users/two-factor-policy", { form: { tenant_id: f.acme } })).status).toBe(303);
    expect((await admin.fetch("/admin/agents")).status).toBe(200);
    expect(await trail("two_factor")).toEqual(expect.arrayContaining(["required two-factor sign-in for this tenant", "stopped requiring two-factor sign-in for this tenant"]));
  });

  test("an admin removes a user's second factor within their tenant only; the user turns their own off with a code", async () => {
    const globex = await signIn(browser(f.app), f.emails.otherAdmin);
    expect((await globex.fetch(`/admin/users/${f.userIds.operator}/two-factor/reset`, { form: {} })).status).toBe(404);
    const admin = await signIn(browser(f.app), f.emails.tenantAdmin);
    expect(await (await admin.fetch("/admin/users")).text()).toContain(`action="/admin/users/${f.userIds.operator}/two-factor/reset"`);
    expect((await admin.fetch(`/admin/users/${f.userIds.operator}/two-factor/reset`, { form: {} })).status).toBe(303);
    expect((await password(f.emails.operator))[0].headers.get("location")).toBe("/admin/usage");
    expect(await trail("two_factor")).toContain("removed the two-factor sign-in of ops@acme.test");
    // Set up again by the user, then off with a current code.
    const b = await signIn(browser(f.app), f.emails.operator);
    await b.fetch("/admin/two-factor/start", { form: {} });
    const s = /data-totp-secret>([A-Z2-7]+)</.exec(await (await b.fetch("/admin/two-factor")).text())![1]!;
    expect(s).not.toBe(secret);
    expect((await b.fetch("/admin/two-factor/confirm", { form: { code: codeAt(s, Date.now()) } })).status).toBe(200);
    expect((await b.fetch("/admin/two-factor/disable", { form: { code: "999999" } })).status).toBe(400);
    expect((await b.fetch("/admin/two-factor/disable", { form: { code: codeAt(s, Date.now() + PERIOD_S * 1000) } })).status).toBe(303);
    expect((await userRow(f.emails.operator)).totpSecret).toBeNull();
  });
});
