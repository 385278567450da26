/** A real SMTP server on loopback (smtp-server) that keeps every message it receives. */
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export async function startSmtp(opts: { user?: string; pass?: string } = {}) {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    // Plain loopback in tests: no STARTTLS certificate to trust; AUTH over plain text is allowed.
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: !opts.user,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) return cb(null, { user: auth.username });
      cb(new Error("invalid login"));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        cb();
      });
    },
    logger: false,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * A received message's Subject and text body, decoded (RFC 2047 encoded words, quoted-printable or
 * base64 bodies) for the single-part text mails the appliance sends.
 */
export function readMail(raw: string): { subject: string; text: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, " ");
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, "");
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, "im").exec(head)?.[1] ?? "";
  const words = (s: string) =>
    s.replace(/=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
      enc.toLowerCase() === "b" ? Buffer.from(data, "base64").toString("utf8") : qp(data.replace(/_/g, " ")),
    );
  const cte = header("content-transfer-encoding").toLowerCase();
  const text = cte === "quoted-printable" ? qp(body.replace(/=\r?\n/g, "")) : cte === "base64" ? Buffer.from(body, "base64").toString("utf8") : body;
  return { subject: words(header("subject")).trim(), text: text.replace(/\r\n/g, "\n") };
}

function qp(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "=" && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) bytes.push(parseInt(s.slice(i + 1, i + 3), 16)), (i += 2);
    else bytes.push(...Buffer.from(s[i]!, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}
