/**
 * What the end user is told about the wait for a person, in the language the tenant's business hours
 * name (the channels do not tell us the user's own; the model, which does see it, relays the rest).
 * Chat text, not console HTML: plain Markdown, never put through the console's i18n (which escapes).
 */
import type { HoursLanguage } from "./hours.ts";

const LOCALE: Record<HoursLanguage, string> = { en: "en-GB", de: "de-DE" };

/** "Monday 09:00", or with the date when it is more than six days away ("Monday 4 January 09:00"). */
export function openingWhen(language: HoursLanguage, timezone: string, opens: Date, now: Date): string {
  const far = opens.getTime() - now.getTime() > 6 * 86_400_000;
  const f = new Intl.DateTimeFormat(LOCALE[language], { timeZone: timezone, weekday: "long", hour: "2-digit", minute: "2-digit", ...(far ? { day: "numeric", month: "long" } : {}) });
  return f.format(opens);
}

export const USER_TEXT: Record<HoursLanguage, { wait: (when: string, tz: string) => string; timeout: string }> = {
  en: {
    wait: (when, tz) => `We are outside our business hours right now: a person will answer here from ${when} (${tz} time).`,
    timeout: "Sorry for the wait: nobody has been able to pick this up yet. I've reminded the team; a person will answer here as soon as they can.",
  },
  de: {
    wait: (when, tz) => `Wir sind gerade außerhalb unserer Geschäftszeiten: Eine Person antwortet Ihnen hier ab ${when} (Zeitzone ${tz}).`,
    timeout: "Entschuldigen Sie die Wartezeit: Bisher konnte sich noch niemand darum kümmern. Ich habe das Team erinnert; eine Person antwortet Ihnen hier so bald wie möglich.",
  },
};

export const languageOf = (l: string | undefined): HoursLanguage => (l === "de" ? "de" : "en");
