/**
 * Login throttling over a real socket (the client IP comes from the connection, or from
 * X-Forwarded-For of a trusted proxy): per account across IPs a delay and never a lock, per IP
 * across accounts a block, the window ending, and Secure cookies from X-Forwarded-Proto. The
 * refusal speaks the browser's language.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { loginThrottle } from "../../db/schema/index.ts";
import { delayAfter, MAX_DELAY_MS } from "../accounts/throttle.ts";
import { type ConsoleFixture, consoleFixture, csrfOf, PASSWORD } from "../../../test/support/admin.ts";

describe("login over HTTP behind a trusted proxy", () => {
  let f: ConsoleFixture;
  let base: string;
  beforeAll(async () => {
    f = await consoleFixture(
      "embedded",
      { server: { host: "127.0.0.1", port: 0, trusted_proxies: ["127.0.0.1"] }, admin: { login_max_failures: 3, login_window_minutes: 15 } },
      { listen: true },
    );
    base = `http://127.0.0.1:${f.app().server!.port}`;
  });
  afterAll(() => f.cleanup());

  /** One browser visit: GET /login for cookie + token, then POST from `ip`. */
  async function login(email: string, password: string, ip: string, proto = "http", next?: string, lang = "en") {
    const headers = { "x-forwarded-for": ip, "x-forwarded-proto": proto, "accept-language": lang };
    const page = await fetch(`${base}/login${next === undefined ? "" : `?next=${encodeURIComponent(next)}`}`, { headers });
    expect(page.status).toBe(200);
    const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const csrf = csrfOf(await page.text());
    return fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password, _csrf: csrf, ...(next === undefined ? {} : { next }) }),
    });
  }

  test("a wrong password is 401 with one message for unknown accounts and wrong passwords alike", async () => {
    const wrong = await login(f.emails.operator, "nope nope nope", "198.51.100.1");
    const unknown = await login("ghost@acme.test", "nope nope nope", "198.51.100.1");
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.text()).toContain("Wrong e-mail or password.");
    expect(await unknown.text()).toContain("Wrong e-mail or password.");
    // The sign-in page has no user yet: the browser's language.
    const german = await login(f.emails.operator, "nope nope nope", "198.51.100.1", "http", undefined, "de-DE");
    expect([german.status, (await german.text()).includes("E-Mail oder Passwort falsch.")]).toEqual([401, true]);
    await f.app().db.platform((tx) => tx.delete(loginThrottle));
  });

  test("per account: failures from many IPs never lock it (the only platform admin included), they delay it", async () => {
    for (const ip of ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.5", "203.0.113.6"])
      expect((await login(f.emails.platformAdmin, "wrong password!", ip)).status).toBe(401);
    const t0 = performance.now();
    const ok = await login(f.emails.platformAdmin, PASSWORD, "203.0.113.4");
    const took = performance.now() - t0;
    expect(ok.status).toBe(303);
    expect(took).toBeGreaterThanOrEqual(MAX_DELAY_MS - 100); // 5 failures: the capped delay
    expect(took).toBeLessThan(MAX_DELAY_MS + 3000);
    // Signed in: the delay is gone.
    const t1 = performance.now();
    expect((await login(f.emails.platformAdmin, PASSWORD, "203.0.113.4")).status).toBe(303);
    expect(performance.now() - t1).toBeLessThan(1500);
  });

  test("the delay grows per failure and is capped at 4 s", () => {
    expect([0, 1, 2, 3, 4, 5, 50, 10_000].map(delayAfter)).toEqual([0, 250, 500, 1000, 2000, 4000, 4000, 4000]);
  });

  test("per IP: failures on many accounts block the IP, not other IPs", async () => {
    for (const who of ["a@x.test", "b@x.test", "c@x.test"]) expect((await login(who, "wrong password!", "192.0.2.9")).status).toBe(401);
    expect((await login(f.emails.platformAdmin, PASSWORD, "192.0.2.9")).status).toBe(429);
    expect((await login(f.emails.platformAdmin, PASSWORD, "192.0.2.10")).status).toBe(303);
  });

  test("the block ends with the window", async () => {
    await f.app().db.platform((tx) => tx.update(loginThrottle).set({ windowStartedAt: sql`now() - interval '16 minutes'` }));
    expect((await login(f.emails.tenantAdmin, PASSWORD, "192.0.2.9")).status).toBe(303);
    await f.app().db.platform((tx) => tx.delete(loginThrottle));
  });

  test("X-Forwarded-Proto https from the trusted proxy makes the session cookie Secure", async () => {
    const res = await login(f.emails.operator, PASSWORD, "192.0.2.50", "https");
    expect(res.status).toBe(303);
    const session = res.headers.getSetCookie().find((c) => c.startsWith("konstruct_session="))!;
    expect(session).toContain("Secure");
    expect(session).toContain("HttpOnly");
    const plain = await login(f.emails.operator, PASSWORD, "192.0.2.50");
    expect(plain.headers.getSetCookie().find((c) => c.startsWith("konstruct_session="))).not.toContain("Secure");
  });

  test("next= with a newline, a tab or another origin gives the login page, then a redirect to the console", async () => {
    for (const next of ["/admin\r\nSet-Cookie: x=1", "/\t/evil.example", "/%2F%2Fevil.example", "//evil.example"]) {
      const res = await login(f.emails.operator, PASSWORD, "192.0.2.60", "http", next);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/admin");
      expect(res.headers.get("set-cookie") ?? "").not.toContain("x=1");
    }
    const ok = await login(f.emails.operator, PASSWORD, "192.0.2.60", "http", "/admin/users?tab=1");
    expect(ok.headers.get("location")).toBe("/admin/users?tab=1");
  });
});
