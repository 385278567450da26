/**
 * The TOTP arithmetic (otpauth) and the recovery codes. Pure: no database, no clock of its own
 * (tests pass `now`). A code is matched within ±1 step for clock drift; the caller refuses a step
 * not after the last accepted one.
 */
import encodeQR from "@paulmillr/qr";
import { randomBytes } from "node:crypto";
import * as OTPAuth from "otpauth";
import { hashToken } from "../auth/secret-token.ts";

export const PERIOD_S = 30;
export const RECOVERY_CODES = 10;
const ISSUER = "Konstruct";

function totp(secret: string, label = ""): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: 6, period: PERIOD_S, secret: OTPAuth.Secret.fromBase32(secret) });
}

/** 160 random bits, base32 (RFC 4226's recommended length). */
export const newSecret = (): string => new OTPAuth.Secret({ size: 20 }).base32;

export const otpauthUri = (secret: string, email: string): string => totp(secret, email).toString();

/** The QR code of the URI as an SVG element (no script, fixed markup from the library). */
export const qrSvg = (uri: string): string => encodeQR(uri, "svg");

/** The code for a moment (tests, and nothing else, need to make one). */
export const codeAt = (secret: string, now: number): string => totp(secret).generate({ timestamp: now });

/** The 30-second step a code belongs to when it is valid at `now` (±1 step), else null. */
export function matchStep(secret: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD_S) + delta;
}

const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"; // no 0/o, 1/l/i to misread

/** Ten codes of 16 characters (≈ 79 bits each), grouped by four for reading aloud. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    let chars = "";
    // Bytes ≥ 248 are skipped so each of the 31 characters is equally likely.
    while (chars.length < 16) for (const b of randomBytes(32)) if (b < 248 && chars.length < 16) chars += ALPHABET[b % ALPHABET.length];
    return chars.match(/.{4}/g)!.join("-");
  });
}

/** As typed: case, spaces and dashes do not matter. */
export const normalRecovery = (typed: string): string => typed.toLowerCase().replace(/[\s-]/g, "").slice(0, 64);

export const recoveryHash = (code: string): string => hashToken(`recovery:${normalRecovery(code)}`);

/** What the sign-in form accepts: 6 digits, or a recovery code. */
export const looksLikeTotp = (typed: string): boolean => /^\d{6}$/.test(typed.replace(/\s/g, ""));
