/**
 * Turns a validation failure ("email: not an e-mail address") into an error next to that field, in
 * the reader's language; anything that is not a client error is rethrown for http/errors.ts.
 *
 * The domain throws its reasons in English (the API and the CLI answer with them as they are), so
 * the console translates the reasons it knows here; a reason not in KNOWN stays English rather
 * than disappear.
 */
import { KonstructError } from "../errors.ts";
import type { FieldErrors } from "../../views/admin/form.tsx";
import { locale, type MessageKey, type MessageVars, tText } from "../i18n/i18n.ts";

type Known = [RegExp, MessageKey, (m: RegExpExecArray) => MessageVars];
const none = () => ({});

const KNOWN: Known[] = [
  [/^not an e-mail address$/, "formError.notEmail", none],
  [/^(.{1,320}) already has an account$/, "formError.hasAccount", (m) => ({ email: m[1] })],
  [/^1-100 characters$/, "formError.length1To100", none],
  [/^must be at least (\d{1,4}) characters$/, "formError.minLength", (m) => ({ count: Number(m[1]) })],
  [/^too long$/, "formError.tooLong", none],
  [/^must be tenant_admin or operator$/, "formError.invitableRole", none],
  [/^a platform admin has no tenant; every other role has one$/, "formError.platformRole", none],
  [/^the platform admin already exists$/, "formError.platformAdminExists", none],
  [/^whole minutes from 1 to (\d{1,5}), or empty$/, "formError.expectedWait", (m) => ({ max: Number(m[1]) })],
  // The Agent Designer (agents/save.ts and the heartbeat, money and escalation parts it uses).
  [/^1-63 characters of a-z, 0-9 and '-', starting with a letter or digit$/, "formError.slug", none],
  [/^is required$/, "formError.required", none],
  [/^each entry must be provider_id\/model, optionally followed by ' vision'$/, "formError.modelEntry", none],
  [/^add at least one model, e\.g\. openai\/gpt-4o-mini$/, "formError.needModel", none],
  [/^must be a (?:finite )?number$/, "formError.number", none],
  [/^must be a whole number$/, "formError.wholeNumber", none],
  [/^at least ([\d,]{1,12})$/, "formError.atLeast", (m) => ({ n: m[1] })],
  [/^at most ([\d,]{1,12})$/, "formError.atMost", (m) => ({ n: m[1] })],
  [/^at most ([\d,]{1,12}) characters$/, "formError.maxChars", (m) => ({ n: m[1] })],
  [/^at most (\d{1,6}) rules$/, "formError.maxRules", (m) => ({ n: m[1] })],
  [/^skill names are lower-case words \(a-z, 0-9, _ \. -\)$/, "formError.skillName", none],
  [/^another AI employee of this tenant has this slug$/, "formError.slugTaken", none],
  [/^no channel named '(.{0,100})' in this tenant$/s, "formError.noChannel", (m) => ({ name: m[1] })],
  [/^cannot be negative$/, "formError.negative", none],
  [/^someone else saved this AI employee after you opened it/, "formError.staleAgent", none],
  [/^line (\d{1,4}): write 'name \| condition \| reason'/, "formError.ruleShape", (m) => ({ line: m[1] })],
  [/^line (\d{1,4}): duplicate rule name '(.{0,200})'$/s, "formError.ruleDuplicate", (m) => ({ line: m[1], name: m[2] })],
  // Escalation conditions (escalation/condition.ts); jsep's and RE2's own details stay English.
  [/^a condition is at most (\d{1,6}) characters$/, "formError.conditionMaxChars", (m) => ({ n: m[1] })],
  [/^cannot parse '(.{0,80})': (.{1,300})$/s, "formError.conditionParse", (m) => ({ text: m[1], detail: m[2] })],
  [/^a condition has at most (\d{1,6}) parts$/, "formError.conditionMaxParts", (m) => ({ n: m[1] })],
  [/^text in quotes only goes inside contains/, "formError.conditionQuotes", none],
  [/^unknown signal '(.{0,100})'; known: (.{0,500})$/s, "formError.conditionSignal", (m) => ({ name: m[1], known: m[2] })],
  [/^operator '(.{0,10})' is not allowed/, "formError.conditionOperator", (m) => ({ op: m[1] })],
  [/^'(.{0,80})': only signals, numbers, comparisons/s, "formError.conditionShape", (m) => ({ text: m[1] })],
  [/^unknown function; use contains/, "formError.conditionFunction", none],
  [/^(contains|matches)\(\) takes 1 to 20 non-empty texts in quotes$/, "formError.conditionTexts", (m) => ({ fn: m[1] })],
  [/^matches\(\) takes one pattern$/, "formError.conditionOnePattern", none],
  [/^a pattern is at most (\d{1,6}) characters$/, "formError.patternMaxChars", (m) => ({ n: m[1] })],
  [/^invalid pattern '(.{0,300})': (.{0,300}) \(RE2 syntax/s, "formError.patternInvalid", (m) => ({ pattern: m[1], detail: m[2] })],
  // Other forms (tenants, agents API, two-factor, teams, account).
  [/^'(.{1,100})' is taken(?: in this tenant)?$/s, "formError.taken", (m) => ({ name: m[1] })],
  [/^(?:tenant|agent) '(.{1,100})' is declared in konstruct\.config\.yaml: change it there$/s, "formError.declaredInConfig", (m) => ({ name: m[1] })],
  [/^two-factor sign-in is already on: turn it off first$/, "formError.twoFactorOn", none],
  [/^turn off your own two-factor sign-in under Your account$/, "formError.ownTwoFactor", none],
  [/^unknown AI employee$/, "formError.unknownAgent", none],
  [/^unknown provider '(.{1,100})'$/s, "formError.unknownProvider", (m) => ({ name: m[1] })],
  [/^no AI employee with slug '(.{0,64})'$/s, "formError.noAgentSlug", (m) => ({ slug: m[1] })],
  [/^one of the console's languages, or empty for the browser's$/, "formError.locale", none],
];
/** Reasons that wrap another reason (the last group): the inner one is translated too (when known). */
const WRAPPED: [RegExp, MessageKey, (m: RegExpExecArray) => MessageVars][] = [
  [/^(.+) \(a reach-out needs both a channel and a chat\)$/s, "formError.reachOut", none],
  [/^line (\d{1,4}): (.+)$/s, "formError.line", (m) => ({ line: m[1] })],
];

/** One reason in the reader's language; unknown reasons unchanged. */
export function localizeReason(reason: string): string {
  const guess = /^too easy to guess(?: — (.+))?$/s.exec(reason);
  // zxcvbn's tips exist in English only: other languages get the verdict without an English tail.
  if (guess) return guess[1] && locale() === "en" ? tText("formError.guessableWhy", { why: guess[1] }) : tText("formError.guessable");
  // The English catalogue words these as the domain does; the original keeps every detail.
  if (locale() === "en") return reason;
  for (const [re, key, vars] of KNOWN) {
    const m = re.exec(reason);
    if (m) return tText(key, vars(m));
  }
  for (const [re, key, vars] of WRAPPED) {
    const m = re.exec(reason);
    if (m) return tText(key, { ...vars(m), reason: localizeReason(m[m.length - 1]!) });
  }
  return reason;
}

/** A whole form's errors (the Agent Designer's), each reason in the reader's language. */
export function localizeFieldErrors(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([field, reason]) => [field, reason === undefined ? reason : localizeReason(reason)]));
}

export function fieldErrors(e: unknown, fallbackField = "form"): FieldErrors {
  if (!(e instanceof KonstructError) || (e.status !== 400 && e.status !== 409)) throw e;
  const m = /^([a-z_]+): (.+)$/s.exec(e.message);
  return m ? { [m[1]!]: localizeReason(m[2]!) } : { [fallbackField]: localizeReason(e.message) };
}
