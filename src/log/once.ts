/**
 * One warning per cause. A failure that repeats on every message — no embedding model, a broken
 * model folder, a database that went away — is logged once at warn level, not once per message at
 * error level. The cause is the log message plus the error's code and first line, with ids and
 * numbers blanked (the same failure for two documents is one cause). The same error object is never
 * reported twice (a caller that rethrows what it already logged). `ok()` after a success forgets the
 * causes, so the next failure is news again. At most MAX causes are kept between successes.
 */
import type { Logger } from "pino";

const MAX = 100;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export class WarnOnce {
  private readonly causes = new Set<string>();
  private readonly reported = new WeakSet<object>();

  constructor(private readonly log: Pick<Logger, "warn">) {}

  /** Logs `msg` with `err` at warn level unless this cause was logged already; true when it logged. */
  warn(err: unknown, msg: string, fields: Record<string, unknown> = {}): boolean {
    if (err && typeof err === "object") {
      if (this.reported.has(err)) return false;
      this.reported.add(err);
    }
    const key = `${msg}\u0000${causeOf(err)}`;
    if (this.causes.has(key) || this.causes.size >= MAX) return false;
    this.causes.add(key);
    this.log.warn({ ...fields, err }, msg);
    return true;
  }

  /** It worked: a failure after this is logged again, even with a cause seen before. */
  ok(): void {
    this.causes.clear();
  }
}

function causeOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const text = typeof e?.message === "string" ? e.message : String(err);
  return `${String(e?.code ?? "")}: ${text.split("\n")[0]!.replace(UUID, "<id>").replace(/\d+/g, "#")}`;
}
