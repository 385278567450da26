/** Quiet hours: a local wall-clock range ("HH:MM"–"HH:MM", may wrap midnight) in an IANA time zone. */
import type { HeartbeatSettings } from "../db/schema/index.ts";

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export function inQuietHours(quiet: HeartbeatSettings["quietHours"], now: Date): boolean {
  if (!quiet) return false;
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: quiet.tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
  const at = Number(parts.find((p) => p.type === "hour")?.value) * 60 + Number(parts.find((p) => p.type === "minute")?.value);
  const [start, end] = [minutes(quiet.start), minutes(quiet.end)];
  if (start === end) return false;
  return start < end ? at >= start && at < end : at >= start || at < end;
}
