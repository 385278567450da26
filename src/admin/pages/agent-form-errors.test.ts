/**
 * The Agent Designer's validation errors in the reader's language: a tenant admin who chose Deutsch
 * (their browser asks for English) posts a form wrong in many ways and reads every reason in German —
 * ours (slug, name, models, numbers, skills, money, escalation rules) and zod's own ("too big") —
 * with nothing English left; an English admin of the other tenant gets the same reasons in English.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { browser, type Browser, type ConsoleFixture, consoleFixture, signIn } from "../../../test/support/admin.ts";

const BAD = {
  slug: "Bad Slug!",
  name: " ",
  role: "r".repeat(201),
  models: "nonsense",
  daily_budget_usd: "-1",
  monthly_budget_usd: "abc",
  context_tokens: "12.5",
  max_tool_iterations: "99",
  skills: "Bad Skill",
  escalation_conditions: "only one part",
};

describe("Agent Designer errors per language", () => {
  let f: ConsoleFixture;
  let de: Browser;
  let en: Browser;
  beforeAll(async () => {
    f = await consoleFixture("embedded");
    de = await signIn(browser(f.app), f.emails.tenantAdmin);
    expect((await de.fetch("/admin/account/locale", { form: { locale: "de" } })).status).toBe(303);
    en = await signIn(browser(f.app), f.emails.otherAdmin);
  }, 120_000);
  afterAll(async () => {
    await f?.cleanup();
  });

  const errorsOf = (html: string) => [...html.matchAll(/<span class="error"[^>]*>([^<]*)<\/span>|<p class="error"[^>]*>([^<]*)<\/p>/g)].map((m) => (m[1] ?? m[2] ?? "").trim());

  test("a German admin reads every reason in German", async () => {
    const res = await de.fetch(`/admin/agents?tenant=${f.acme}`, { form: BAD, headers: { "accept-language": "en-US" } });
    expect(res.status).toBe(400);
    const html = await res.text();
    const errors = errorsOf(html);
    for (const want of [
      "1–63 Zeichen aus a–z, 0–9 und „-“, beginnend mit einem Buchstaben oder einer Ziffer",
      "muss ausgefüllt sein",
      "jeder Eintrag muss Anbieter-ID/Modell sein, optional gefolgt von „ vision“",
      "darf nicht negativ sein",
      "muss eine Zahl sein",
      "muss eine ganze Zahl sein",
      "höchstens 32",
      "Skill-Namen sind kleingeschriebene Wörter (a–z, 0–9, _ . -)",
      "Zeile 1: „Name | Bedingung | Grund“ schreiben (drei Teile, getrennt durch „|“)",
    ])
      expect(errors).toContain(want);
    expect(errors.some((e) => e.startsWith("Zu groß"))).toBe(true); // zod's own, for role
    expect(errors.length).toBeGreaterThanOrEqual(10);
    for (const e of errors) expect(e).not.toMatch(/\b(must|the|characters|each|line|at most|Too)\b/);
  });

  test("an English admin of the other tenant reads the same reasons in English", async () => {
    const res = await en.fetch(`/admin/agents?tenant=${f.globex}`, { form: BAD });
    expect(res.status).toBe(400);
    const errors = errorsOf(await res.text());
    for (const want of ["is required", "cannot be negative", "must be a number", "must be a whole number", "at most 32"]) expect(errors).toContain(want);
    expect(errors.some((e) => e.startsWith("Too big"))).toBe(true);
  });
});
