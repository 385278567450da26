/**
 * Password reset by mail over a real SMTP server on loopback, on both databases: one answer for
 * known and unknown addresses (and mail only to the known one), the link sets a new password once,
 * ends the account's sessions, dies with its expiry or a forged MAC, and requests are throttled.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { anonymousBrowser, browser, type ConsoleFixture, consoleFixture, PASSWORD, signIn } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { startSmtp } from "../../../test/support/smtp.ts";
import { loginThrottle } from "../../db/schema/index.ts";
import { resetToken, RESET_TTL_MS, userOfResetToken } from "../accounts/password-reset.ts";
import { findUserByEmail } from "../accounts/users.ts";

const NEW = "a fresh and long passphrase 77";

describe.each(DB_KINDS)("password reset by mail on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    f = await consoleFixture(kind, {
      server: { public_url: "https://konstruct.example.com" },
      smtp: { host: "127.0.0.1", port: smtp.port, from: "Konstruct <noreply@example.com>" },
      admin: { login_max_failures: 4 },
    });
  }, 60_000);
  afterAll(async () => {
    await f.cleanup();
    await smtp.stop();
  });

  const ask = async (email: string) => {
    const b = await anonymousBrowser(f.app, "/login/forgot");
    return b.fetch("/login/forgot", { form: { email } });
  };
  const linkIn = async (to: string) => {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const mail = smtp.mails.find((m) => m.to.includes(to));
      if (mail) return new URL(/https:\/\/konstruct\.example\.com\/login\/reset\/[A-Za-z0-9_.-]+/.exec(mail.raw.replace(/=\r?\n/g, ""))![0]).pathname;
      await Bun.sleep(50);
    }
    throw new Error(`no mail to ${to}`);
  };

  test("known and unknown addresses get the same answer; only the known one gets mail", async () => {
    const known = await ask(f.emails.operator);
    const unknown = await ask("nobody@acme.test");
    expect([known.status, unknown.status]).toEqual([200, 200]);
    const [a, b] = [await known.text(), await unknown.text()];
    expect(a).toContain("If that address has an account");
    const noCsrf = (html: string) => html.replace(/[A-Za-z0-9_-]{43}/g, "<csrf>"); // each browser has its own token
    expect(noCsrf(a)).toBe(noCsrf(b));
    await linkIn(f.emails.operator);
    await Bun.sleep(200);
    expect(smtp.mails.some((m) => m.to.includes("nobody@acme.test"))).toBe(false);
  });

  test("the link sets a new password once and signs every session out", async () => {
    const before = await signIn(browser(f.app), f.emails.operator);
    const path = await linkIn(f.emails.operator);
    const b = await anonymousBrowser(f.app, path);
    expect((await b.fetch(path, { form: { password: NEW, confirm: "something else" } })).status).toBe(400);
    expect((await b.fetch(path, { form: { password: "short", confirm: "short" } })).status).toBe(400);
    const done = await b.fetch(path, { form: { password: NEW, confirm: NEW } });
    expect([done.status, done.headers.get("location")]).toEqual([303, "/login"]);
    expect((await before.fetch("/api/v1/me")).status).toBe(401);
    await signIn(browser(f.app), f.emails.operator, NEW);
    await expect(signIn(browser(f.app), f.emails.operator, PASSWORD)).rejects.toThrow(/401/);
    // Used: the same link is dead.
    expect((await b.fetch(path)).status).toBe(404);
    expect((await b.fetch(path, { form: { password: `${NEW} again`, confirm: `${NEW} again` } })).status).toBe(404);
    const trail = (await (await (await signIn(browser(f.app), f.emails.tenantAdmin)).fetch(`/admin/audit.json?tenant=${f.acme}&kind=password.changed`)).json()) as { data: { step?: string } }[];
    expect(trail.map((e) => e.data.step)).toEqual(["reset", "link_sent"]);
    expect(JSON.stringify(trail)).not.toContain(path.split("/").at(-1)!);
  });

  test("an expired or forged link is refused", async () => {
    const db = f.app().db;
    const key = f.app().secrets.deriveKey("password-reset");
    const user = (await findUserByEmail(db, f.emails.tenantAdmin))!;
    const old = resetToken(key, user, Date.now() - RESET_TTL_MS - 1000);
    expect(await userOfResetToken(db, key, old)).toBeNull();
    const good = resetToken(key, user);
    expect((await userOfResetToken(db, key, good))?.id).toBe(user.id);
    const forged = `${good.slice(0, -4)}AAAA`;
    expect(await userOfResetToken(db, key, forged)).toBeNull();
    expect((await browser(f.app).fetch(`/login/reset/${forged}`)).status).toBe(404);
    expect((await browser(f.app).fetch(`/login/reset/${"x".repeat(5000)}`)).status).toBe(404);
  });

  test("requests are throttled per client", async () => {
    await f.app().db.platform((tx) => tx.delete(loginThrottle));
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask("nobody@acme.test")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });
});
