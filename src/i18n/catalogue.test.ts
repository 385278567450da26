import { describe, expect, test } from "bun:test";
import { de } from "./catalog/de.ts";
import { en } from "./catalog/en.ts";
import { t, withLocale, pickLocale } from "./i18n.ts";
import { formatDateTime, formatMoney, formatNumber } from "./format.ts";

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe("catalogues", () => {
  test("English and German have exactly the same keys", () => {
    const enKeys = Object.keys(en).sort();
    const deKeys = Object.keys(de).sort();
    expect(deKeys.filter((k) => !(k in en))).toEqual([]);
    expect(enKeys.filter((k) => !(k in de))).toEqual([]);
  });

  test("every German message is filled and keeps the English placeholders", () => {
    for (const [k, v] of Object.entries(en)) {
      const g = (de as Record<string, string>)[k]!;
      expect({ k, empty: g.trim() === "" }).toEqual({ k, empty: false });
      expect({ k, vars: placeholders(g) }).toEqual({ k, vars: placeholders(v) });
    }
  });

  test("no message carries markup (t() output is HTML: only values are escaped)", () => {
    for (const cat of [en, de] as Record<string, string>[])
      for (const [k, v] of Object.entries(cat)) expect({ k, markup: /[<>]/.test(v) }).toEqual({ k, markup: false });
  });
});

describe("t()", () => {
  test("answers in the request's language, English outside one", () => {
    expect(t("login.title")).toBe("Sign in");
    expect(withLocale("de", () => t("login.title"))).toBe("Anmelden");
  });

  test("plural forms by count, per language", () => {
    expect(t("users.count", { count: 1 })).toBe("1 user");
    expect(t("users.count", { count: 3 })).toBe("3 users");
    expect(withLocale("de", () => t("users.count", { count: 3 }))).toBe("3 Benutzer");
  });

  test("interpolated values are HTML-escaped", () => {
    expect(t("password.for", { email: "<b>x</b>@y" })).toContain("&lt;b&gt;x&lt;/b&gt;@y");
  });

  test("the language survives awaits inside a request", async () => {
    const seen = await withLocale("de", async () => {
      await new Promise((r) => setTimeout(r, 5));
      return t("login.submit");
    });
    expect(seen).toBe("Anmelden");
  });
});

describe("pickLocale", () => {
  test("saved choice, then Accept-Language by quality, then English", () => {
    expect(pickLocale("de", "en-US")).toBe("de");
    expect(pickLocale(null, "fr-FR, de-AT;q=0.8, en;q=0.5")).toBe("de");
    expect(pickLocale(null, "en;q=0.4, de;q=0.9")).toBe("de");
    expect(pickLocale(null, "fr, es")).toBe("en");
    expect(pickLocale("xx", null)).toBe("en");
    expect(pickLocale(null, `${"x".repeat(10_000)},de`)).toBe("en"); // bounded: the tail past 512 chars is not read
  });
});

describe("formats", () => {
  const d = new Date(Date.UTC(2026, 11, 6, 13, 5, 9));
  test("dates, numbers and money follow the language", () => {
    expect(formatDateTime(d)).toBe("2026-12-06 13:05:09 UTC");
    expect(withLocale("de", () => formatDateTime(d))).toBe("06.12.2026, 13:05:09 UTC");
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(withLocale("de", () => formatNumber(1234567))).toBe("1.234.567");
    expect(formatMoney(12.5)).toBe("$12.50");
    expect(withLocale("de", () => formatMoney(0.0012))).toMatch(/^0,0012\s\$$/);
  });
});
