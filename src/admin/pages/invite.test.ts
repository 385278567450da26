/**
 * Invitations end to end: a tenant admin invites, the link (shown once, or mailed over real SMTP)
 * lets the invitee set a password and lands them signed in with the invited role and tenant;
 * the link then never works again, and an expired one never did.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { invitations } from "../../db/schema/index.ts";
import { anonymousBrowser, browser, type ConsoleFixture, consoleFixture, signIn } from "../../../test/support/admin.ts";
import { startSmtp } from "../../../test/support/smtp.ts";

const NEW_PASSWORD = "invitee password 1";

async function accept(f: ConsoleFixture, path: string) {
  const b = await anonymousBrowser(f.app);
  const page = await b.fetch(path);
  return { b, page, post: () => b.fetch(path, { form: { password: NEW_PASSWORD, confirm: NEW_PASSWORD } }) };
}

describe("invitations without SMTP: the link is shown once", () => {
  let f: ConsoleFixture;
  beforeAll(async () => {
    f = await consoleFixture("embedded");
  });
  afterAll(() => f.cleanup());

  test("invite → set password → signed in as that role; the link is single-use", async () => {
    const admin = await signIn(browser(f.app), f.emails.tenantAdmin);
    const res = await admin.fetch("/admin/users/invite", { form: { email: "New.Person@Acme.test", role: "operator" } });
    expect(res.status).toBe(200);
    const html = await res.text();
    const link = /<p class="secret-once">(http:\/\/localhost\/invite\/[A-Za-z0-9_-]+)<\/p>/.exec(html)![1]!;
    expect(html).toContain("Invitation for new.person@acme.test created.");
    // Listed as pending, but the link is never shown again.
    const list = await (await admin.fetch("/admin/users")).text();
    expect(list).toContain("new.person@acme.test");
    expect(list).not.toContain(link);

    const path = new URL(link).pathname;
    const { b, page, post } = await accept(f, path);
    expect(await page.text()).toContain("new.person@acme.test");
    const mismatch = await b.fetch(path, { form: { password: NEW_PASSWORD, confirm: "something else" } });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain("the passwords differ");
    const short = await b.fetch(path, { form: { password: "short", confirm: "short" } });
    expect(await short.text()).toContain("must be at least 10 characters");
    const done = await post();
    expect([done.status, done.headers.get("location")]).toEqual([303, "/admin"]);
    const me = await (await b.fetch("/api/v1/me")).json();
    expect(me).toMatchObject({ email: "new.person@acme.test", role: "operator", tenant_id: f.acme });

    const again = await accept(f, path);
    expect(again.page.status).toBe(404);
    expect((await again.post()).status).toBe(404);
    // And the new password signs in.
    await signIn(browser(f.app), "new.person@acme.test", NEW_PASSWORD);
  });

  test("an expired invitation cannot be used", async () => {
    const admin = await signIn(browser(f.app), f.emails.platformAdmin);
    const html = await (await admin.fetch("/admin/users/invite", { form: { email: "late@globex.test", role: "tenant_admin", tenant_id: f.globex } })).text();
    const path = new URL(/<p class="secret-once">([^<]+)<\/p>/.exec(html)![1]!).pathname;
    await f.app().db.platform((tx) => tx.update(invitations).set({ expiresAt: sql`now() - interval '1 second'` }).where(sql`email = 'late@globex.test'`));
    const { page, post } = await accept(f, path);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("invalid, was already used, or has expired");
    expect((await post()).status).toBe(404);
  });

  test("bad input is answered next to the field, nothing created", async () => {
    const admin = await signIn(browser(f.app), f.emails.tenantAdmin);
    const bad = await admin.fetch("/admin/users/invite", { form: { email: "not-an-email", role: "operator" } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<span class="error" id="f-email-error">not an e-mail address</span>');
    const taken = await admin.fetch("/admin/users/invite", { form: { email: f.emails.operator, role: "operator" } });
    expect(await taken.text()).toContain("already has an account");
    const role = await admin.fetch("/admin/users/invite", { form: { email: "x@acme.test", role: "platform_admin" } });
    expect(await role.text()).toContain("must be tenant_admin or operator");
    const other = await admin.fetch("/admin/users/invite", { form: { email: "y@acme.test", role: "operator", tenant_id: f.globex } });
    expect(other.status).toBe(403);
  });
});

describe("invitations with SMTP", () => {
  let f: ConsoleFixture;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp({ user: "mailer", pass: "smtp-pass" });
    f = await consoleFixture("embedded", {
      server: { public_url: "https://konstruct.example.com" },
      smtp: { host: "127.0.0.1", port: smtp.port, user: "mailer", password: "smtp-pass", from: "Konstruct <noreply@example.com>" },
    });
  });
  afterAll(async () => {
    await f.cleanup();
    await smtp.stop();
  });

  test("the invitation is mailed (and not shown); its link works", async () => {
    const admin = await signIn(browser(f.app), f.emails.tenantAdmin);
    const html = await (await admin.fetch("/admin/users/invite", { form: { email: "mailed@acme.test", role: "tenant_admin" } })).text();
    expect(html).toContain("Invitation sent to mailed@acme.test.");
    expect(html).not.toContain("/invite/");
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(["mailed@acme.test"]);
    expect(mail.from).toBe("noreply@example.com");
    const link = /https:\/\/konstruct\.example\.com\/invite\/[A-Za-z0-9_-]+/.exec(mail.raw.replace(/=\r?\n/g, ""))![0];
    const { post } = await accept(f, new URL(link).pathname);
    expect((await post()).status).toBe(303);
  });
});
