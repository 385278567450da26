/**
 * Dates, numbers and money in the request's language (Intl). Times are shown in UTC, named as
 * such: the appliance's logs, schedules and audit speak UTC, and a browser zone is not known on
 * the server.
 */
import { locale } from "./i18n.ts";

const tag = (): string => (locale() === "de" ? "de-DE" : "en-GB");

/** English keeps the ISO form (2026-12-06 13:05:09 UTC): unambiguous for every English reader, and what logs and exports show. */
export function formatDateTime(d: Date | null | undefined, withSeconds = true): string {
  if (!d) return "—";
  if (locale() !== "de") return `${d.toISOString().replace("T", " ").slice(0, withSeconds ? 19 : 16)} UTC`;
  const f = new Intl.DateTimeFormat(tag(), {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    second: withSeconds ? "2-digit" : undefined, hourCycle: "h23", timeZone: "UTC",
  });
  return `${f.format(d)} UTC`;
}

export function formatDate(d: Date): string {
  if (locale() !== "de") return d.toISOString().slice(0, 10);
  return new Intl.DateTimeFormat(tag(), { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "UTC" }).format(d);
}

export function formatNumber(n: number, maxFraction = 0): string {
  return new Intl.NumberFormat(tag(), { maximumFractionDigits: maxFraction }).format(n);
}

/** US dollars (what providers bill in); sub-dollar amounts keep four decimals, as tokens cost fractions of a cent. */
export function formatMoney(n: number): string {
  const small = n < 1 && n > 0;
  return new Intl.NumberFormat(tag(), { style: "currency", currency: "USD", currencyDisplay: "narrowSymbol", minimumFractionDigits: small ? 4 : 2, maximumFractionDigits: small ? 4 : 2 }).format(n);
}
