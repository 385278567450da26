/**
 * Which of our languages an end user writes in, from their own recent messages, for the few fixed
 * chat texts the appliance sends itself (handoff notices). Channels do not tell us a user's language.
 *
 * tinyld's light profile (70 KB, no model file), restricted to the languages the appliance speaks, so
 * a Dutch sentence is not reported as a language we have no texts for. Input is bounded: at most
 * TEXT_MAX characters are read.
 */
import { LOCALES, type Locale } from "./i18n.ts";

// Loaded on the first detection, not at start: its profile costs ~15 MB of resident memory, and most
// appliances never hand a conversation to a person.
const detectAll: typeof import("tinyld/light").detectAll = (text, opts) => (require("tinyld/light") as typeof import("tinyld/light")).detectAll(text, opts);

const TEXT_MAX = 2000;

/** The language that clearly wins (twice the runner-up's score), or null when unclear. */
export function detectLocale(texts: readonly string[]): Locale | null {
  const text = texts.join("\n").slice(0, TEXT_MAX);
  const [top, next] = detectAll(text, { only: [...LOCALES] });
  if (!top || top.accuracy <= 0) return null;
  return !next || top.accuracy >= 2 * next.accuracy ? (top.lang as Locale) : null;
}
