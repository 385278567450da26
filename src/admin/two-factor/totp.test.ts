/** The TOTP arithmetic against RFC 6238's published SHA-1 vectors, and the recovery codes' shape. */
import { describe, expect, test } from "bun:test";
import * as OTPAuth from "otpauth";
import { codeAt, matchStep, newRecoveryCodes, newSecret, otpauthUri, qrSvg, recoveryHash } from "./totp.ts";

// RFC 6238 appendix B: the ASCII key "12345678901234567890", 8-digit codes; we use 6 (the last six).
const RFC_SECRET = OTPAuth.Secret.fromLatin1("12345678901234567890").base32;

describe("TOTP", () => {
  test.each([
    [59, "287082"],
    [1111111109, "081804"],
    [1234567890, "005924"],
    [2000000000, "279037"],
  ])("RFC 6238 at T=%d is %s", (t, code) => {
    expect(codeAt(RFC_SECRET, t * 1000)).toBe(code);
    expect(matchStep(RFC_SECRET, code, t * 1000)).toBe(Math.floor(t / 30));
  });

  test("a code is matched within one step either side, not two; anything but six digits never", () => {
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    expect(matchStep(RFC_SECRET, codeAt(RFC_SECRET, now - 30_000), now)).toBe(step - 1);
    expect(matchStep(RFC_SECRET, codeAt(RFC_SECRET, now + 30_000), now)).toBe(step + 1);
    expect(matchStep(RFC_SECRET, codeAt(RFC_SECRET, now + 60_000), now)).toBeNull();
    for (const bad of ["", "12345", "1234567", "abcdef", `${codeAt(RFC_SECRET, now)} `]) expect(matchStep(RFC_SECRET, bad, now)).toBeNull();
  });

  test("a new secret is 160 bits; the URI and the QR code carry it", () => {
    const s = newSecret();
    expect(s).toMatch(/^[A-Z2-7]{32}$/);
    expect(newSecret()).not.toBe(s);
    const uri = otpauthUri(s, "Ada <a@b.c>");
    expect(uri).toBe(`otpauth://totp/Konstruct:Ada%20%3Ca%40b.c%3E?issuer=Konstruct&secret=${s}&algorithm=SHA1&digits=6&period=30`);
    const svg = qrSvg(uri);
    expect(svg).toStartWith("<svg");
    expect(svg).not.toContain("<script");
    expect(svg).not.toContain("a@b.c");
  });

  test("recovery codes: ten distinct, readable, hashed alike however they are typed", () => {
    const codes = newRecoveryCodes();
    expect(codes.length).toBe(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/);
    expect(recoveryHash(` ${codes[0]!.toUpperCase().replaceAll("-", " ")} `)).toBe(recoveryHash(codes[0]!));
    expect(recoveryHash(codes[0]!)).not.toBe(recoveryHash(codes[1]!));
  });
});
