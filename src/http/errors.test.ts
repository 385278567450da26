/**
 * Error pages in the viewer's language: a user who chose Deutsch (their browser asks for English)
 * gets German 404s — an unknown /admin address and a missing record —, a German 403 for a role they
 * lack and for a form without its CSRF token; an English user of the other tenant gets the English
 * reasons; an anonymous browser asking for German gets German; an unexpected failure is a page too.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { browser, type Browser, type ConsoleFixture, consoleFixture, signIn } from "../../test/support/admin.ts";
import { errorResponse } from "./errors.ts";

const page = { accept: "text/html", "accept-language": "en-US,en;q=0.9" };
const MISSING = "00000000-0000-4000-8000-000000000000";

describe("error pages per language", () => {
  let f: ConsoleFixture;
  let de: Browser;
  let en: Browser;
  beforeAll(async () => {
    f = await consoleFixture("embedded");
    de = await signIn(browser(f.app), f.emails.operator);
    expect((await de.fetch("/admin/account/locale", { form: { locale: "de" } })).status).toBe(303);
    en = await signIn(browser(f.app), f.emails.otherAdmin);
  }, 120_000);
  afterAll(async () => {
    await f?.cleanup();
  });

  const open = async (b: Browser, path: string) => {
    const res = await b.fetch(path, { headers: page });
    return [res.status, await res.text()] as const;
  };

  test("a German user's 404s and 403s are German", async () => {
    const [s1, nowhere] = await open(de, "/admin/no-such-page");
    expect(s1).toBe(404);
    expect(nowhere).toContain("Nicht gefunden");
    expect(nowhere).toContain("Unter dieser Adresse gibt es keine Seite.");
    expect(nowhere).toContain('lang="de"');
    const [s2, record] = await open(de, `/admin/inbox/${MISSING}`);
    expect(s2).toBe(404);
    expect(record).toContain("Nicht gefunden: Es existiert nicht (mehr), oder die Adresse ist falsch.");
    expect(record).not.toContain("no such");
    const [s3, role] = await open(de, "/admin/users");
    expect(s3).toBe(403);
    expect(role).toContain("Dafür ist die Rolle Mandanten-Admin nötig.");
    const forged = await de.fetch("/admin/account/locale", { form: { locale: "en" }, csrf: false, headers: page });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("Das Sicherheits-Token (CSRF) fehlt oder ist ungültig");
  });

  test("an English user of the other tenant keeps the English reasons", async () => {
    const [s1, nowhere] = await open(en, "/admin/no-such-page");
    expect([s1, nowhere.includes("There is no page at this address.")]).toEqual([404, true]);
    const [s2, record] = await open(en, `/admin/inbox/${MISSING}`);
    expect([s2, record.includes("no such handoff")]).toEqual([404, true]);
    expect(record).toContain("Not found");
  });

  test("an anonymous browser gets its own language; the JSON API stays English", async () => {
    const res = await browser(f.app).fetch("/admin/nothing-here", { headers: { accept: "text/html", "accept-language": "de-DE" } });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Unter dieser Adresse gibt es keine Seite.");
    const api = await de.fetch("/admin/no-such-page", { headers: { accept: "application/json" } });
    expect([api.status, await api.json()]).toEqual([404, { error: { code: "not_found", message: "no such route" } }]);
  });

  test("an unexpected failure is a page in the browser's language, JSON elsewhere", async () => {
    const log = pino({ level: "silent" });
    const req = (accept: string) => new Request("http://localhost/admin/x", { headers: { accept, "accept-language": "de" } });
    const html = errorResponse(new Error("boom /srv/secret"), "UNKNOWN", log, req("text/html"));
    expect(html.status).toBe(500);
    const text = await html.text();
    expect(text).toContain("Bei uns ist etwas schiefgegangen");
    expect(text).not.toContain("boom");
    const json = errorResponse(new Error("boom"), "UNKNOWN", log, req("application/json"));
    expect([json.status, await json.json()]).toEqual([500, { error: { code: "internal", message: "internal error" } }]);
  });
});
