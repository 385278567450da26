/** German validation messages of the console's forms (see forms.en.ts). */
import type { formsEn } from "./forms.en.ts";

export const formsDe: { readonly [K in keyof typeof formsEn]: string } = {
  "formError.notEmail": "keine E-Mail-Adresse",
  "formError.hasAccount": "{{email}} hat bereits ein Konto",
  "formError.length1To100": "1–100 Zeichen",
  "formError.minLength_one": "mindestens {{count}} Zeichen",
  "formError.minLength_other": "mindestens {{count}} Zeichen",
  "formError.tooLong": "zu lang",
  "formError.guessable": "zu leicht zu erraten",
  "formError.guessableWhy": "zu leicht zu erraten — {{why}}",
  "formError.invitableRole": "muss tenant_admin oder operator sein",
  "formError.platformRole": "ein Plattform-Admin gehört zu keinem Mandanten, jede andere Rolle zu einem",
  "formError.platformAdminExists": "der Plattform-Admin existiert bereits",
  "formError.chooseTenant": "Mandanten wählen",
  "formError.passwordsDiffer": "die Passwörter stimmen nicht überein",
  "formError.notCurrentPassword": "nicht Ihr aktuelles Passwort",
  "formError.sameAsCurrent": "wählen Sie ein anderes als das aktuelle Passwort",
  "formError.tooManyWrong_one": "Zu viele falsche Passwörter. Versuchen Sie es in {{count}} Minute erneut.",
  "formError.tooManyWrong_other": "Zu viele falsche Passwörter. Versuchen Sie es in {{count}} Minuten erneut.",
  "formError.expectedWait": "ganze Minuten von 1 bis {{max}}, oder leer",
};
