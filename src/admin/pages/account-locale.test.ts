/**
 * The console's language per user: without a choice it follows Accept-Language (then English);
 * a saved choice wins over the browser and belongs to that user only. On both databases, since the
 * choice is a column of the platform's users table.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { browser, type ConsoleFixture, consoleFixture, signIn } from "../../../test/support/admin.ts";
import type { DbKind } from "../../../test/support/db.ts";

const html = (lang: string) => ({ headers: { accept: "text/html", "accept-language": lang } });

for (const kind of ["embedded", "external"] as DbKind[]) {
  describe(`console language (${kind})`, () => {
    let f: ConsoleFixture;
    beforeAll(async () => {
      f = await consoleFixture(kind);
    });
    afterAll(() => f.cleanup());

    test("no choice: the browser's language, then English", async () => {
      const b = await signIn(browser(f.app), f.emails.operator);
      const de = await (await b.fetch("/admin/password", html("de-AT,de;q=0.9"))).text();
      expect(de).toContain('<html lang="de">');
      expect(de).toContain("Passwort ändern");
      expect(de).toContain("Zum Inhalt springen");
      const fr = await (await b.fetch("/admin/password", html("fr"))).text();
      expect(fr).toContain('<html lang="en">');
      expect(fr).toContain("Change password");
    });

    test("a saved choice wins over the browser, for that user only; empty goes back to the browser", async () => {
      const admin = await signIn(browser(f.app), f.emails.tenantAdmin);
      const saved = await admin.fetch("/admin/account/locale", { form: { locale: "de" } });
      expect(saved.status).toBe(303);
      expect(saved.headers.get("location")).toBe("/admin/password?flash=locale_saved");
      const page = await (await admin.fetch("/admin/password?flash=locale_saved", html("en-US"))).text();
      expect(page).toContain("Sprache gespeichert.");
      expect(page).toMatch(/<option value="de" lang="de" selected>/);
      const other = await signIn(browser(f.app), f.emails.otherAdmin);
      expect(await (await other.fetch("/admin/password", html("en-US"))).text()).toContain("Change password");
      await admin.fetch("/admin/account/locale", { form: { locale: "" } });
      expect(await (await admin.fetch("/admin/password", html("en-US"))).text()).toContain("Change password");
    });

    test("an unknown language is refused and nothing is stored; CSRF is required", async () => {
      const b = await signIn(browser(f.app), f.emails.operator);
      const bad = await b.fetch("/admin/account/locale", { form: { locale: "xx" }, headers: { accept: "text/html" } });
      expect(bad.status).toBe(400);
      expect((await b.fetch("/admin/account/locale", { form: { locale: "de" }, csrf: false })).status).toBe(403);
      expect(await (await b.fetch("/admin/password", html("en"))).text()).toContain("Change password");
    });
  });
}
