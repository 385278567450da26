/**
 * The reason on an error page in the viewer's language. Like form-errors.ts: the domain throws its
 * reasons in English (the API and the CLI answer with them as they are), and the page translates
 * the ones it knows. English viewers keep the original reason (it names the missing thing: "no such
 * channel"), except a missing route and an internal error, which the page words for people; an
 * unknown reason stays as is.
 */
import { locale, type MessageKey, type MessageVars, tText } from "./i18n.ts";

type Known = [RegExp, MessageKey, (m: RegExpExecArray) => MessageVars];
const none = () => ({});

const KNOWN: Known[] = [
  [/^CSRF token missing or invalid/, "error.csrf", none],
  [/^(?:no such [A-Za-z -]{1,40}|no tenant)$/, "error.noSuch", none],
  [/^not allowed for this tenant$/, "error.otherTenant", none],
  [/^requires the (tenant|platform) admin role$/, "error.role", (m) => ({ role: tText(m[1] === "tenant" ? "common.role.tenant_admin" : "common.role.platform_admin") })],
  [/^choose a tenant$/, "error.chooseTenant", none],
  [/^create a tenant first$/, "error.createTenant", none],
  [/^this invitation link is invalid, used or expired/, "error.invitationLink", none],
];

/** Plain text (the page renders it with `safe`). */
export function localizeErrorReason(reason: string): string {
  if (reason === "no such route") return tText("error.noPage");
  if (reason === "internal error") return tText("error.internal");
  if (locale() === "en") return reason;
  for (const [re, key, vars] of KNOWN) {
    const m = re.exec(reason);
    if (m) return tText(key, vars(m));
  }
  return reason;
}
