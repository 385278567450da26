/**
 * Form validation errors in the reader's language, over HTTP on both databases: a user whose saved
 * language is German posts invalid forms (invitation, API token, password change) and reads the
 * reasons in German next to the field; the same posts by an English reader stay English, and a
 * reason the catalogues do not know is shown as it is rather than dropped.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { browser, type Browser, type ConsoleFixture, consoleFixture, PASSWORD, signIn } from "../../test/support/admin.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { KonstructError } from "../errors.ts";
import { withLocale } from "../i18n/i18n.ts";
import { parseRuleLines } from "../escalation/settings.ts";
import { fieldErrors } from "./form-errors.ts";

const html = { accept: "text/html", "accept-language": "en-US" };
const errorOf = (page: string, field: string) => /<span class="error" id="f-([a-z_]+)-error">([^<]*)<\/span>/g.exec(page.slice(page.indexOf(`f-${field}-error`) - 40))?.[2];

describe.each(DB_KINDS)("form errors in the reader's language on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let german: Browser;
  let english: Browser;
  beforeAll(async () => {
    f = await consoleFixture(kind);
    german = await signIn(browser(f.app), f.emails.tenantAdmin);
    expect((await german.fetch("/admin/account/locale", { form: { locale: "de" } })).status).toBe(303);
    english = await signIn(browser(f.app), f.emails.otherAdmin);
  }, 60_000);
  afterAll(() => f.cleanup());

  test("an invitation to a bad or taken address: German for the German user, English for the other", async () => {
    const bad = await german.fetch("/admin/users/invite", { form: { email: "not-an-address", role: "operator", tenant_id: f.acme }, headers: html });
    expect(bad.status).toBe(400);
    expect(errorOf(await bad.text(), "email")).toBe("keine E-Mail-Adresse");
    const taken = await german.fetch("/admin/users/invite", { form: { email: f.emails.operator, role: "operator", tenant_id: f.acme }, headers: html });
    expect(errorOf(await taken.text(), "email")).toBe(`${f.emails.operator} hat bereits ein Konto`);
    const en = await english.fetch("/admin/users/invite", { form: { email: "not-an-address", role: "operator", tenant_id: f.globex }, headers: html });
    expect(en.status).toBe(400);
    expect(errorOf(await en.text(), "email")).toBe("not an e-mail address");
  });

  test("an empty token name and a bad password change", async () => {
    const token = await german.fetch("/admin/tokens", { form: { name: "" }, headers: html });
    expect(token.status).toBe(400);
    expect(errorOf(await token.text(), "name")).toBe("1–100 Zeichen");
    const short = await german.fetch("/admin/password", { form: { current: PASSWORD, password: "kurz", confirm: "kurz" }, headers: html });
    expect(short.status).toBe(400);
    expect(errorOf(await short.text(), "password")).toBe("mindestens 10 Zeichen");
    const differ = await german.fetch("/admin/password", { form: { current: PASSWORD, password: "eins zwei drei vier", confirm: "vier drei zwei eins" }, headers: html });
    expect(errorOf(await differ.text(), "confirm")).toBe("die Passwörter stimmen nicht überein");
    const wrong = await german.fetch("/admin/password", { form: { current: "not it at all", password: "eins zwei drei vier", confirm: "eins zwei drei vier" }, headers: html });
    expect(errorOf(await wrong.text(), "current")).toBe("nicht Ihr aktuelles Passwort");
    const enShort = await english.fetch("/admin/password", { form: { current: PASSWORD, password: "short", confirm: "short" }, headers: html });
    expect(errorOf(await enShort.text(), "password")).toBe("must be at least 10 characters");
  });

  test("a guessable password: German verdict without zxcvbn's English tip; English keeps the tip", async () => {
    const weak = await german.fetch("/admin/password", { form: { current: PASSWORD, password: "password123", confirm: "password123" }, headers: html });
    expect(weak.status).toBe(400);
    expect(errorOf(await weak.text(), "password")).toBe("zu leicht zu erraten");
    const enWeak = await english.fetch("/admin/password", { form: { current: PASSWORD, password: "password123", confirm: "password123" }, headers: html });
    expect(errorOf(await enWeak.text(), "password")).toMatch(/^too easy to guess — \S/);
  }, 30_000);
});

test("an unknown reason stays as it is; a value is not HTML-escaped (the view escapes it once)", () => {
  expect(withLocale("de", () => fieldErrors(new KonstructError("bad_request", "slug: something new")))).toEqual({ slug: "something new" });
  expect(withLocale("de", () => fieldErrors(new KonstructError("conflict", "email: o'neil@acme.test already has an account")))).toEqual({ email: "o'neil@acme.test hat bereits ein Konto" });
  expect(() => fieldErrors(new KonstructError("internal", "boom"))).toThrow("boom");
});

test("escalation-condition reasons and the other forms' reasons in German; English keeps the domain's words", async () => {
  const reasons = [
    "line 2: unknown signal 'mood'; known: attempts, sentiment",
    "line 1: a condition has at most 64 parts",
    "'acme' is taken",
    "agent 'ada' is declared in konstruct.config.yaml: change it there",
    "unknown provider 'nope'",
  ];
  const german = withLocale("de", () => reasons.map((r) => fieldErrors(new KonstructError("bad_request", `rules: ${r}`)).rules));
  expect(german).toEqual([
    "Zeile 2: unbekanntes Signal „mood“; bekannt: attempts, sentiment",
    "Zeile 1: eine Bedingung hat höchstens 64 Teile",
    "„acme“ ist schon vergeben",
    "„ada“ ist in konstruct.config.yaml festgelegt: dort ändern",
    "unbekannter Anbieter „nope“",
  ]);
  expect(withLocale("en", () => reasons.map((r) => fieldErrors(new KonstructError("bad_request", `rules: ${r}`)).rules))).toEqual(reasons);
  // The domain's own texts, not copies: a reworded reason would fall back to English here.
  for (const line of ["late | mood > 1 | r", "x | attempts > 1 AND matches(\"(?=a)\") | r", "y | frobnicate(\"a\") | r"]) {
    const parsed = parseRuleLines(line, []);
    if (parsed.ok) throw new Error(`${line} parsed`);
    const de = withLocale("de", () => fieldErrors(new KonstructError("bad_request", `rules: ${parsed.error}`)).rules!);
    expect(de).toStartWith("Zeile 1: ");
    // The frame is German; RE2's own detail stays English.
    expect(de).not.toMatch(/invalid pattern|unknown signal|unknown function|only signals|cannot parse/);
  }
});
