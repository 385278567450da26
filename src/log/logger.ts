/**
 * Structured JSON logs (pino) with credentials redacted at any depth we log objects at, and URLs
 * in messages, top-level string fields and errors stripped of passwords and credential query
 * parameters (a provider's `?key=` must not reach the journal through an error text).
 */
import pino, { type Logger } from "pino";
import { pinoRedactPaths, REDACTED, redactUrlsIn } from "./redact.ts";

function urlsRedacted(obj: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) if (typeof v === "string" && v.includes("://")) obj[k] = redactUrlsIn(v);
  return obj;
}

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "konstruct" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: pinoRedactPaths(), censor: REDACTED },
      formatters: { level: (label) => ({ level: label }), log: (obj) => urlsRedacted({ ...obj }) },
      serializers: { err: (e: Error) => urlsRedacted(pino.stdSerializers.err(e) as unknown as Record<string, unknown>) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === "string" ? redactUrlsIn(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
