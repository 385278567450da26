/**
 * Mails and what the users page says about them (`mail.<what>`), spread into en.ts. Plain text:
 * sent with tText(), so values (a link, an address) are not HTML-escaped.
 */
export const mailEn = {
  "mail.invitationSubject": "You are invited to Konstruct",
  "mail.invitationBody":
    "{{inviter}} invited you to Konstruct as {{role}}.\n\nSet your password here (the link works once, for {{hours}} hours):\n{{link}}\n",
  "mail.invitationCreated": "Invitation for {{email}} created.",
  "mail.invitationSent": "Invitation sent to {{email}}.",
  "mail.invitationFailed": "The mail to {{email}} could not be sent ({{reason}}); pass this link on instead.",
  "mail.resetSubject": "Set a new Konstruct password",
  "mail.resetBody":
    "Someone (hopefully you) asked to set a new Konstruct password for {{email}}.\n\nSet it here (the link works once, for {{minutes}} minutes):\n{{link}}\n\nIf it was not you, ignore this mail: your password stays as it is.\n",
} as const;
