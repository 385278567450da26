/**
 * Outgoing mail (invitations, password-reset links) over SMTP with nodemailer, loaded only when a mail is sent so an
 * appliance without smtp.host never pays for it. Without smtp.host there is no mailer and the
 * console shows the link to the admin instead.
 */
import type { Config } from "../config/schema.ts";
import { type MessageKey, tText } from "../i18n/i18n.ts";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export type SendMail = (mail: Mail) => Promise<void>;

export function smtpMailer(smtp: Config["smtp"]): SendMail | null {
  if (!smtp.host) return null;
  let transport: Promise<import("nodemailer").Transporter> | null = null;
  return async (mail) => {
    transport ??= import("nodemailer").then((nm) =>
      nm.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
      }),
    );
    await (await transport).sendMail({ from: smtp.from, to: mail.to, subject: mail.subject, text: mail.text });
  };
}

/** Where links in mails and on screen point: server.public_url, else the URL this request came in on. */
export function publicBase(config: Config, request: Request): string {
  return (config.server.public_url || new URL(request.url).origin).replace(/\/+$/, "");
}

/**
 * The invitation mail, in the language of the request that sends it — the inviter's (their saved
 * choice, else their browser's). The invitee has no account and so no language of their own yet,
 * and the inviter is the one person who knows which language their colleague reads: they chose
 * theirs for the same organisation. Sent as plain text (tText), so the link is not HTML-escaped.
 */
export function invitationMail(m: { to: string; inviter: string; role: "tenant_admin" | "operator"; hours: number; link: string }): Mail {
  const role = tText(`common.role.${m.role}` as MessageKey);
  return { to: m.to, subject: tText("mail.invitationSubject"), text: tText("mail.invitationBody", { inviter: m.inviter, role, hours: m.hours, link: m.link }) };
}

/**
 * The password-reset mail, in the account's language: its saved choice, else the language of the
 * browser that asked (the caller sets both with withLocale). Plain text, the link not escaped.
 */
export function resetMail(m: { to: string; minutes: number; link: string }): Mail {
  return { to: m.to, subject: tText("mail.resetSubject"), text: tText("mail.resetBody", { email: m.to, minutes: m.minutes, link: m.link }) };
}
