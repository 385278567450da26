/**
 * Which of our languages an end user writes in, from their own recent messages, for the few fixed
 * chat texts the appliance sends itself (handoff notices). Channels do not tell us a user's language.
 *
 * A small scorer over function words, not a general detector: the appliance speaks English and German
 * only, and these words decide between the two in one or two sentences, without a model or a data
 * file. (The issue named tinyld, which is not a dependency of this checkout; swapping it in changes
 * only this file's body.) Input is bounded: at most TEXT_MAX characters are read.
 */
import type { Locale } from "./i18n.ts";

const TEXT_MAX = 2000;
/** Frequent words of one language that are rare in the other ("in", "was", "die" are left out: both have them). */
const WORDS: Record<Locale, ReadonlySet<string>> = {
  en: new Set("the and is are you your i i'm to of it that this what how can could please my we have has not with for be do does on at would there here thanks hello hi yes no help need want".split(" ")),
  de: new Set("der das und ist sind sie ich nicht ein eine einen mit für mein meine bitte wie kann können haben hat wir auf zu den dem es ja nein danke hallo guten möchte brauche hilfe noch schon auch mich mir ihr warum wann".split(" ")),
};

/** The language that clearly wins (at least two hits and twice the other's), or null when unclear. */
export function detectLocale(texts: readonly string[]): Locale | null {
  const text = texts.join("\n").slice(0, TEXT_MAX).toLowerCase();
  const score: Record<Locale, number> = { en: 0, de: 0 };
  for (const word of text.match(/[\p{L}']+/gu) ?? []) {
    if (WORDS.en.has(word)) score.en++;
    if (WORDS.de.has(word)) score.de++;
  }
  // Umlauts and ß are German evidence; capped, so one name with an umlaut does not outweigh a sentence.
  score.de += Math.min(2, (text.match(/[äöüß]/g) ?? []).length);
  const [top, other]: [Locale, Locale] = score.de > score.en ? ["de", "en"] : ["en", "de"];
  return score[top] >= 2 && score[top] >= 2 * score[other] ? top : null;
}
