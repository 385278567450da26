/**
 * The invitation mail in the inviter's language, through a real SMTP server on loopback: a tenant
 * admin who chose Deutsch sends a German subject and body (role named in German, the link intact
 * and working), and the page says so in German; an English admin of the other tenant sends the
 * English mail. The same request's Accept-Language does not override a saved choice.
 * The password-reset mail goes out in the account's saved language, else the asking browser's.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { anonymousBrowser, browser, type ConsoleFixture, consoleFixture, PASSWORD, signIn } from "../../test/support/admin.ts";
import { readMail, startSmtp } from "../../test/support/smtp.ts";

describe("invitation mail per language", () => {
  let f: ConsoleFixture;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    f = await consoleFixture("embedded", {
      server: { public_url: "https://konstruct.example.com" },
      smtp: { host: "127.0.0.1", port: smtp.port, from: "Konstruct <noreply@example.com>" },
    });
  }, 60_000);
  afterAll(async () => {
    await f.cleanup();
    await smtp.stop();
  });

  test("a German inviter sends the German mail; its link works", async () => {
    const admin = await signIn(browser(f.app), f.emails.tenantAdmin);
    expect((await admin.fetch("/admin/account/locale", { form: { locale: "de" } })).status).toBe(303);
    const page = await admin.fetch("/admin/users/invite", { form: { email: "neu@acme.test", role: "tenant_admin" }, headers: { "accept-language": "en-US" } });
    expect(await page.text()).toContain("Einladung an neu@acme.test gesendet.");
    expect(smtp.mails.map((m) => m.to)).toEqual([["neu@acme.test"]]);
    const mail = readMail(smtp.mails[0]!.raw);
    expect(mail.subject).toBe("Einladung zu Konstruct");
    expect(mail.text).toContain(`${f.emails.tenantAdmin} hat Sie als Mandanten-Admin zu Konstruct eingeladen.`);
    expect(mail.text).toContain("der Link gilt einmal, 72 Stunden lang");
    expect(mail.text).not.toContain("invited");
    const link = /https:\/\/konstruct\.example\.com\/invite\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0] ?? "";
    expect(link).not.toBe("");
    const invitee = browser(f.app);
    const form = await (await invitee.fetch(new URL(link).pathname)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const accepted = await invitee.fetch(new URL(link).pathname, { form: { password: PASSWORD, confirm: PASSWORD, _csrf: csrf }, csrf: false });
    expect(accepted.status).toBe(303);
  });

  test("an English inviter of the other tenant sends the English mail", async () => {
    const admin = await signIn(browser(f.app), f.emails.otherAdmin);
    const page = await admin.fetch("/admin/users/invite", { form: { email: "new@globex.test", role: "operator" } });
    expect(await page.text()).toContain("Invitation sent to new@globex.test.");
    const mail = readMail(smtp.mails.at(-1)!.raw);
    expect(smtp.mails.at(-1)!.to).toEqual(["new@globex.test"]);
    expect(mail.subject).toBe("You are invited to Konstruct");
    expect(mail.text).toContain(`${f.emails.otherAdmin} invited you to Konstruct as operator.`);
    expect(mail.text).toMatch(/for 72 hours\):\nhttps:\/\/konstruct\.example\.com\/invite\/[A-Za-z0-9_-]+\n/);
  });

  const forgot = async (email: string, acceptLanguage?: string) => {
    const b = await anonymousBrowser(f.app, "/login/forgot");
    const headers = acceptLanguage ? { "accept-language": acceptLanguage } : undefined;
    return (await b.fetch("/login/forgot", { form: { email }, headers })).text();
  };
  const mailTo = async (to: string) => {
    const deadline = Date.now() + 5000; // sent after the answer
    while (Date.now() < deadline) {
      const mail = smtp.mails.find((m) => m.to.includes(to));
      if (mail) return readMail(mail.raw);
      await Bun.sleep(50);
    }
    throw new Error(`no mail to ${to}`);
  };

  test("the reset mail follows the account's saved language over the browser's", async () => {
    const op = await signIn(browser(f.app), f.emails.operator);
    expect((await op.fetch("/admin/account/locale", { form: { locale: "de" } })).status).toBe(303);
    const page = await forgot(f.emails.operator, "en-US");
    expect(page).toContain("If that address has an account");
    const mail = await mailTo(f.emails.operator);
    expect(mail.subject).toBe("Neues Konstruct-Passwort setzen");
    expect(mail.text).toContain(`ein neues Konstruct-Passwort für ${f.emails.operator} angefordert`);
    expect(mail.text).toMatch(/der Link gilt einmal, 60 Minuten lang\):\nhttps:\/\/konstruct\.example\.com\/login\/reset\/[A-Za-z0-9_.-]+\n/);
    expect(mail.text).not.toContain("hopefully");
  });

  test("without a saved language the reset mail and page follow the browser; else English", async () => {
    const page = await forgot(f.emails.platformAdmin, "de-AT,de;q=0.9");
    expect(page).toContain("Wenn zu dieser Adresse ein Konto gehört");
    const mail = await mailTo(f.emails.platformAdmin);
    expect(mail.subject).toBe("Neues Konstruct-Passwort setzen");
    await forgot(f.emails.otherAdmin);
    const english = await mailTo(f.emails.otherAdmin);
    expect(english.subject).toBe("Set a new Konstruct password");
    expect(english.text).toContain(`Someone (hopefully you) asked to set a new Konstruct password for ${f.emails.otherAdmin}.`);
    expect(english.text).toMatch(/for 60 minutes\):\nhttps:\/\/konstruct\.example\.com\/login\/reset\/[A-Za-z0-9_.-]+\n/);
  });
});
