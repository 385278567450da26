/**
 * Cron expressions in an IANA time zone, through cron-parser (its tz support handles DST: a
 * local time skipped by spring-forward does not occur, a repeated one in fall-back occurs once).
 * Inputs are bounded before parsing; a bad expression or zone is a KonstructError the agent can
 * show the user.
 */
import type { CronExpressionParser } from "cron-parser";
import { KonstructError } from "../errors.ts";

// cron-parser (with luxon) costs ~8 MB: loaded the first time a schedule is parsed, not at start —
// an appliance without schedules keeps its idle memory.
let parser: typeof CronExpressionParser | undefined;
const cronParser = (): typeof CronExpressionParser =>
  (parser ??= (require("cron-parser") as typeof import("cron-parser")).CronExpressionParser);

const MAX_CRON = 120;
const MAX_ZONE = 64;

export function validZone(tz: string): string {
  if (!tz || tz.length > MAX_ZONE) throw new KonstructError("bad_request", "time zone must be an IANA name such as Europe/Berlin");
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
  } catch {
    throw new KonstructError("bad_request", `unknown time zone "${tz}" (use an IANA name such as Europe/Berlin)`);
  }
  return tz;
}

/** The first `count` due times strictly after `after`. */
export function nextRuns(cron: string, tz: string, after: Date, count = 1): Date[] {
  if (!cron.trim() || cron.length > MAX_CRON) throw new KonstructError("bad_request", `cron expression must be 1–${MAX_CRON} characters`);
  validZone(tz);
  let it: ReturnType<typeof CronExpressionParser.parse>;
  try {
    it = cronParser().parse(cron.trim(), { currentDate: after, tz, strict: false });
  } catch (e) {
    throw new KonstructError("bad_request", `invalid cron expression "${cron}": ${(e as Error).message}`);
  }
  const out: Date[] = [];
  for (let i = 0; i < count && it.hasNext(); i++) out.push(it.next().toDate());
  return out;
}

export function nextRun(cron: string, tz: string, after: Date): Date {
  const [d] = nextRuns(cron, tz, after, 1);
  if (!d) throw new KonstructError("bad_request", `cron expression "${cron}" never runs again`);
  return d;
}

/** A due time as the user reads it: local wall time in the schedule's zone, with the zone. */
export function formatRun(d: Date, tz: string): string {
  return `${formatter(tz).format(d)} (${tz})`;
}

// A formatter costs far more to build than to use (a burst of scheduled runs formats one each).
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    if (formatters.size > 500) formatters.clear(); // bounded: zones are validated, but be safe
    f = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", weekday: "short", timeZoneName: "short" });
    formatters.set(tz, f);
  }
  return f;
}
