/**
 * Business hours (handoff_hours, one row per tenant), as pure functions: is the team in now, when
 * does it open next, and when has a number of *open* minutes passed (a handoff's timeout counts
 * business time only). Wall times are read in the tenant's IANA timezone with Intl, and a wall time
 * is turned back into an instant by correcting with the zone's offset twice, so DST days land on the
 * right local minute. Every walk is bounded (MAX_STEPS): hours that never open give null, not a hang.
 */
export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Day = (typeof DAYS)[number];
export const HOURS_LANGUAGES = ["en", "de"] as const;
export type HoursLanguage = (typeof HOURS_LANGUAGES)[number];
export const HOLIDAYS_MAX = 100;
/** The expected wait within hours is told in minutes, at most a day. */
export const EXPECTED_WAIT_MAX = 1440;
const RANGES_MAX = 6;

/** `expectedWaitMinutes`: told to a user who asks for a person while the team is in; absent or null: not told. */
export type BusinessHours = { timezone: string; week: Record<string, string>; holidays: string[]; language: string; expectedWaitMinutes?: number | null };
type Range = [number, number];

/** "09:00-12:00, 13:00-17:30" → minute ranges; "" is closed; a string says what is wrong. */
export function parseRanges(s: string): Range[] | string {
  const parts = s.split(",").map((p) => p.trim()).filter(Boolean);
  if (parts.length > RANGES_MAX) return `at most ${RANGES_MAX} ranges a day`;
  const out: Range[] = [];
  for (const p of parts) {
    const m = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(p);
    if (!m) return `'${p.slice(0, 20)}' is not a range like 09:00-17:00`;
    const [a, b] = [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])];
    if (Number(m[2]) > 59 || Number(m[4]) > 59 || a >= b || b > 1440) return `'${p}' must start before it ends, within 00:00-24:00`;
    if (out.length && a < out[out.length - 1]![1]) return `'${p}' overlaps or comes before the previous range`;
    out.push([a, b]);
  }
  return out;
}

export function validTimezone(tz: string): boolean {
  try {
    return tz.length <= 64 && Boolean(new Intl.DateTimeFormat("en", { timeZone: tz }));
  } catch {
    return false;
  }
}

/** The field that is wrong and why, or null. */
export function checkHours(h: BusinessHours): { field: string; error: string } | null {
  if (!validTimezone(h.timezone)) return { field: "timezone", error: "an IANA timezone such as Europe/Berlin" };
  let open = 0;
  for (const d of DAYS) {
    const r = parseRanges(h.week[d] ?? "");
    if (typeof r === "string") return { field: d, error: r };
    open += r.length;
  }
  if (open === 0) return { field: "mon", error: "at least one day needs opening hours" };
  if (h.holidays.length > HOLIDAYS_MAX) return { field: "holidays", error: `at most ${HOLIDAYS_MAX} holidays` };
  const bad = h.holidays.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)));
  if (bad !== undefined) return { field: "holidays", error: `'${bad.slice(0, 20)}' is not a date like 2026-12-25` };
  if (!(HOURS_LANGUAGES as readonly string[]).includes(h.language)) return { field: "language", error: `one of ${HOURS_LANGUAGES.join(", ")}` };
  const w = h.expectedWaitMinutes;
  if (w != null && !(Number.isInteger(w) && w >= 1 && w <= EXPECTED_WAIT_MAX)) return { field: "expected_wait_minutes", error: `whole minutes from 1 to ${EXPECTED_WAIT_MAX}, or empty` };
  return null;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** The local date, weekday (0 = Monday) and minute of the day at instant t in zone tz. */
function local(tz: string, t: number): { date: string; day: number; minute: number } {
  let f = formats.get(tz);
  if (!f) formats.set(tz, (f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", weekday: "short" })));
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, day: WEEKDAY[p.weekday!]!, minute: Number(p.hour) * 60 + Number(p.minute) };
}

const wallAsUtc = (date: string, minute: number) => Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The instant of local wall time (date, minute) in tz. */
function instantOf(tz: string, date: string, minute: number): number {
  const guess = wallAsUtc(date, minute);
  const offset = (t: number) => { const l = local(tz, t); return wallAsUtc(l.date, l.minute) - (t - (t % 60_000)); };
  const first = guess - offset(guess);
  return guess - offset(first);
}

/** Open or closed at t, and the instant that changes (at the latest the next local midnight). */
function state(h: BusinessHours, t: number): { open: boolean; until: number } {
  const l = local(h.timezone, t);
  const ranges = h.holidays.includes(l.date) ? [] : (parseRanges(h.week[DAYS[l.day]!] ?? "") as Range[] | string);
  const list = typeof ranges === "string" ? [] : ranges;
  const cur = list.find(([a, b]) => a <= l.minute && l.minute < b);
  const edge = cur ? cur[1] : (list.find(([a]) => a > l.minute)?.[0] ?? 1440);
  const until = edge >= 1440 ? instantOf(h.timezone, nextDate(l.date), 0) : instantOf(h.timezone, l.date, edge);
  // Always forward, at least to the next minute boundary (a DST gap can put the edge behind t).
  return { open: Boolean(cur), until: Math.max(until, t - (t % 60_000) + 60_000) };
}

/** Enough for a year of two ranges a day and holidays in between. */
const MAX_STEPS = 2000;

export function isOpen(h: BusinessHours, at: Date): boolean {
  return state(h, at.getTime()).open;
}

/** The expected wait to tell a user who asks for a person at `at`: set, and the team is in; else null. */
export function waitWithin(h: BusinessHours | null, at: Date): number | null {
  return h?.expectedWaitMinutes && isOpen(h, at) ? h.expectedWaitMinutes : null;
}

/** `at` itself when open, else when the team is in next; null when it never opens within a year. */
export function nextOpening(h: BusinessHours, at: Date): Date | null {
  let t = at.getTime();
  for (let i = 0; i < MAX_STEPS; i++) {
    const s = state(h, t);
    if (s.open) return new Date(t);
    t = s.until;
  }
  return null;
}

/** When `minutes` of open time have passed from `start`; null when the hours never open. */
export function businessDeadline(h: BusinessHours, start: Date, minutes: number): Date | null {
  let t = start.getTime();
  let left = minutes * 60_000;
  for (let i = 0; i < MAX_STEPS; i++) {
    const s = state(h, t);
    if (s.open) {
      if (t + left <= s.until) return new Date(t + left);
      left -= s.until - t;
    }
    t = s.until;
  }
  return null;
}

/** Open minutes between `from` and `to` (the inbox's SLA colour counts these); bounded like the other walks. */
export function businessMinutes(h: BusinessHours, from: Date, to: Date): number {
  let t = from.getTime();
  const end = to.getTime();
  let open = 0;
  for (let i = 0; i < MAX_STEPS && t < end; i++) {
    const s = state(h, t);
    if (s.open) open += Math.min(s.until, end) - t;
    t = s.until;
  }
  return open / 60_000;
}
