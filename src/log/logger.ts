/** Structured JSON logs (pino) with credentials redacted at any depth we log objects at. */
import pino, { type Logger } from "pino";
import { pinoRedactPaths, REDACTED } from "./redact.ts";

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "konstruct" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: pinoRedactPaths(), censor: REDACTED },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
