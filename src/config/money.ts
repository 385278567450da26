/**
 * Money as the database holds it: numeric(20, 9) — up to 11 integer digits and 9 decimals, exact.
 * Every amount a person types (config file, console form, API) passes through here and becomes a
 * canonical decimal string, or is refused with a reason: a value the store would round (say a cap
 * of $0.0000000001, which would become 0 = no cap) is an error, never silently changed.
 */
import { z } from "zod";

export const MONEY_DECIMALS = 9;
const MONEY_INTEGER_DIGITS = 11;
/** Longer text is not a plausible amount; bounded before any parsing. */
const MAX_TEXT = 64;

export type MoneyCheck = { ok: true; value: string } | { ok: false; error: string };

/** A number or decimal text (exponent allowed, as JS prints small numbers: 1e-7) → canonical decimal string. */
export function toMoney(input: unknown): MoneyCheck {
  let text: string;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { ok: false, error: "must be a finite number" };
    text = String(input);
  } else if (typeof input === "string") text = input.trim();
  else return { ok: false, error: "must be a number" };
  if (!text || text.length > MAX_TEXT) return { ok: false, error: "must be a number" };
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d{1,3}))?$/i.exec(text);
  if (!m || !(m[2] || m[3])) return { ok: false, error: "must be a number" };
  const [, sign, whole = "", frac = "", exp = "0"] = m;
  // Move the decimal point by the exponent, on the digits as written (no floating point involved).
  const digits = whole + frac;
  const point = whole.length + Number(exp);
  const padded = point < 0 ? "0".repeat(-point) + digits : point > digits.length ? digits + "0".repeat(point - digits.length) : digits;
  const at = Math.max(point, 0);
  const int = padded.slice(0, at).replace(/^0+/, "");
  const dec = padded.slice(at).replace(/0+$/, "");
  if (sign === "-" && (int || dec)) return { ok: false, error: "cannot be negative" };
  if (dec.length > MONEY_DECIMALS) return { ok: false, error: `has more than ${MONEY_DECIMALS} decimal places (the smallest amount is 0.000000001)` };
  if (int.length > MONEY_INTEGER_DIGITS) return { ok: false, error: `is too large (at most ${"9".repeat(MONEY_INTEGER_DIGITS)}.${"9".repeat(MONEY_DECIMALS)})` };
  return { ok: true, value: `${int || "0"}${dec ? `.${dec}` : ""}` };
}

/** A stored numeric (`"0.000001000"`) as people read and type it (`"0.000001"`). */
export function moneyText(stored: string): string {
  const r = toMoney(stored);
  return r.ok ? r.value : stored;
}

/** The zod form of toMoney: accepts a number or text, yields the canonical string. */
export const moneySchema = z.union([z.number(), z.string()], { error: "must be a number" }).transform((v, ctx) => {
  const r = toMoney(v);
  if (r.ok) return r.value;
  ctx.addIssue({ code: "custom", message: r.error });
  return z.NEVER;
});
