/**
 * The console's languages. Every view calls `t("key")`; which language answers is decided once per
 * request (`withLocale`, set where console handlers run) and carried in AsyncLocalStorage, so a
 * view needs no extra prop and cannot pick the wrong user's language under concurrency. Outside a
 * request (tests, CLI) it is English.
 *
 * t() returns HTML: catalogue text is ours and trusted, interpolated values are escaped by
 * i18next. Render it as a child (no `safe`); a value put in an attribute would be escaped twice,
 * so attributes take catalogue text without user values.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import i18next, { type TFunction } from "i18next";
import { de } from "./catalog/de.ts";
import { en } from "./catalog/en.ts";

export const LOCALES = ["en", "de"] as const;
export type Locale = (typeof LOCALES)[number];
/** Each language's own name, for the switcher (never translated: a reader finds their own). */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", de: "Deutsch" };

type Plural = "zero" | "one" | "two" | "few" | "many" | "other";
/** A catalogue key; plural forms (`x_one`, `x_other`) are asked for as `x` with a `count`. */
export type MessageKey = keyof typeof en extends infer K ? (K extends `${infer B}_${Plural}` ? B : K) : never;
export type MessageVars = { count?: number } & Record<string, string | number | undefined | null>;

const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources: { en: { translation: en }, de: { translation: de } },
  lng: "en",
  fallbackLng: "en",
  supportedLngs: [...LOCALES],
  // Keys contain dots and colons as plain text: one flat namespace per language.
  keySeparator: false,
  nsSeparator: false,
  returnNull: false,
  interpolation: { escapeValue: true },
});
const fixed: Record<Locale, TFunction> = { en: instance.getFixedT("en"), de: instance.getFixedT("de") };

const current = new AsyncLocalStorage<Locale>();

export function isLocale(v: unknown): v is Locale {
  return typeof v === "string" && (LOCALES as readonly string[]).includes(v);
}

export const withLocale = <T>(locale: Locale, fn: () => T): T => current.run(locale, fn);
export const locale = (): Locale => current.getStore() ?? "en";

export function t(key: MessageKey, vars?: MessageVars): string {
  return fixed[locale()](key, vars as Record<string, unknown>) as string;
}

/**
 * A chat text for an end user in `lang` (the handoff notices): plain text for a channel, not HTML,
 * so interpolated values are not escaped. Never render its result in the console.
 */
export function chatText(lang: Locale, key: MessageKey, vars?: MessageVars): string {
  return fixed[lang](key, { ...vars, interpolation: { escapeValue: false } } as Record<string, unknown>) as string;
}

/**
 * The same message as plain text in the viewer's locale, values not escaped: for a mail, or for text
 * a view renders with `safe` (a field's error), where an escaped value would show as `&#39;`.
 */
export function tText(key: MessageKey, vars?: MessageVars): string {
  return chatText(locale(), key, vars);
}

const byRequest = new WeakMap<Request, Locale>();
/**
 * A request's language, remembered where the signed-in user becomes known (admin/auth/plugin.ts):
 * an error page is rendered by http/errors.ts after the handler's scope has ended, and must still
 * speak the viewer's language. A request nobody remembered (no console route) gets the browser's.
 */
export const rememberLocale = (request: Request, l: Locale): void => void byRequest.set(request, l);
export const localeOfRequest = (request: Request): Locale => byRequest.get(request) ?? pickLocale(null, request.headers.get("accept-language"));

/**
 * The user's saved choice, else the first Accept-Language entry we have (by quality, a region
 * falling back to its language: de-AT → de), else English. The header is bounded before parsing.
 */
export function pickLocale(saved: string | null | undefined, acceptLanguage: string | null): Locale {
  if (isLocale(saved)) return saved;
  const ranked = (acceptLanguage ?? "")
    .slice(0, 512)
    .split(",")
    .slice(0, 20)
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = Number(params.find((p) => p.trim().startsWith("q="))?.trim().slice(2) ?? "1");
      return { tag: (tag ?? "").toLowerCase(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split("-")[0];
    if (isLocale(base)) return base;
  }
  return "en";
}
