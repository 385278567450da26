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
];

/** One reason in the reader's language; unknown reasons unchanged. */
export function localizeReason(reason: string): string {
  const guess = /^too easy to guess(?: — (.+))?$/s.exec(reason);
  // zxcvbn's tips exist in English only: other languages get the verdict without an English tail.
  if (guess) return guess[1] && locale() === "en" ? tText("formError.guessableWhy", { why: guess[1] }) : tText("formError.guessable");
  for (const [re, key, vars] of KNOWN) {
    const m = re.exec(reason);
    if (m) return tText(key, vars(m));
  }
  return reason;
}

export function fieldErrors(e: unknown, fallbackField = "form"): FieldErrors {
  if (!(e instanceof KonstructError) || (e.status !== 400 && e.status !== 409)) throw e;
  const m = /^([a-z_]+): (.+)$/s.exec(e.message);
  return m ? { [m[1]!]: localizeReason(m[2]!) } : { [fallbackField]: localizeReason(e.message) };
}
