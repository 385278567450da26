/**
 * What the end user is told by the appliance itself about their handoff (the `/human` answer, the
 * wait outside business hours or the expected wait within them, a timeout), in the user's own language: detected from their recent
 * messages in the conversation (i18n/detect.ts), else the language set with the tenant's business
 * hours, else English. The texts are the i18n catalogues' `handoffUser.*` keys through chatText():
 * plain chat text, not console HTML.
 */
import { and, desc, eq, notLike } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { messages } from "../db/schema/index.ts";
import { detectLocale } from "../i18n/detect.ts";
import { chatText, isLocale, type Locale } from "../i18n/i18n.ts";

const LOCALE: Record<Locale, string> = { en: "en-GB", de: "de-DE" };
/** The user's latest messages read for their language: enough for a sentence or two, bounded. */
const RECENT = 8;

/** "Monday 09:00", or with the date when it is more than six days away ("Monday 4 January 09:00"). */
export function openingWhen(language: Locale, timezone: string, opens: Date, now: Date): string {
  const far = opens.getTime() - now.getTime() > 6 * 86_400_000;
  const f = new Intl.DateTimeFormat(LOCALE[language], { timeZone: timezone, weekday: "long", hour: "2-digit", minute: "2-digit", ...(far ? { day: "numeric", month: "long" } : {}) });
  return f.format(opens);
}

const textsIn = (lang: Locale) => ({
  escalated: chatText(lang, "handoffUser.escalated"),
  already: chatText(lang, "handoffUser.already"),
  /** Within business hours, when the tenant set an expected wait. */
  escalatedWait: (minutes: number) => chatText(lang, "handoffUser.escalatedWait", { count: minutes }),
  wait: (when: string, tz: string) => chatText(lang, "handoffUser.wait", { when, tz }),
  timeout: chatText(lang, "handoffUser.timeout"),
});
export const USER_TEXT: Record<Locale, ReturnType<typeof textsIn>> = { en: textsIn("en"), de: textsIn("de") };

export const languageOf = (l: string | null | undefined): Locale => (isLocale(l) ? l : "en");

/** The language the user writes in (commands such as `/human` left out), else `fallback`'s, else English. */
export async function userLanguage(tx: Tx, conversationId: string, fallback?: string | null): Promise<Locale> {
  const recent = await tx.select({ content: messages.content }).from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.role, "user"), notLike(messages.content, "/%")))
    .orderBy(desc(messages.createdAt)).limit(RECENT);
  return detectLocale(recent.map((m) => m.content.slice(0, 500))) ?? languageOf(fallback);
}
