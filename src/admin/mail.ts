/**
 * Outgoing mail (invitations) over SMTP with nodemailer, loaded only when a mail is sent so an
 * appliance without smtp.host never pays for it. Without smtp.host there is no mailer and the
 * console shows the link to the admin instead.
 */
import type { Config } from "../config/schema.ts";

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
