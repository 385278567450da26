/** German mails (see mail.en.ts). */
import type { mailEn } from "./mail.en.ts";

export const mailDe: { readonly [K in keyof typeof mailEn]: string } = {
  "mail.invitationSubject": "Einladung zu Konstruct",
  "mail.invitationBody":
    "{{inviter}} hat Sie als {{role}} zu Konstruct eingeladen.\n\nLegen Sie hier Ihr Passwort fest (der Link gilt einmal, {{hours}} Stunden lang):\n{{link}}\n",
  "mail.invitationCreated": "Einladung für {{email}} erstellt.",
  "mail.invitationSent": "Einladung an {{email}} gesendet.",
  "mail.invitationFailed": "Die Mail an {{email}} konnte nicht gesendet werden ({{reason}}); geben Sie stattdessen diesen Link weiter.",
  "mail.resetSubject": "Neues Konstruct-Passwort setzen",
  "mail.resetBody":
    "Jemand (hoffentlich Sie) hat ein neues Konstruct-Passwort für {{email}} angefordert.\n\nSetzen Sie es hier (der Link gilt einmal, {{minutes}} Minuten lang):\n{{link}}\n\nWaren Sie es nicht, ignorieren Sie diese Mail: Ihr Passwort bleibt, wie es ist.\n",
};
