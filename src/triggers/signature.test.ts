/** Both signature schemes: valid accepted, forged / stale / missing refused, delivery ids derived. */
import { describe, expect, test } from "bun:test";
import { hmacHex, sign, verify, WINDOW_S } from "./signature.ts";

const secret = "It's a Secret to Everybody";
const body = "Hello, World!";
const bytes = new TextEncoder().encode(body);
const h = (o: Record<string, string>) => new Headers(o);

describe("github scheme", () => {
  test("GitHub's documented example", () => {
    // docs.github.com "Validating webhook deliveries": this secret and body give this signature.
    expect(hmacHex(secret, body)).toBe("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  });
  test("valid, forged, missing", () => {
    expect(verify("github", secret, h({ ...sign("github", secret, body), "x-github-delivery": "d-1" }), bytes)).toEqual({ ok: true, deliveryId: "d-1" });
    expect(verify("github", "other", h(sign("github", secret, body)), bytes)).toEqual({ ok: false, reason: "signature mismatch" });
    expect(verify("github", secret, h(sign("github", secret, `${body}!`)), bytes).ok).toBe(false);
    expect(verify("github", secret, h({ "x-hub-signature-256": "sha256=zz" }), bytes).ok).toBe(false);
    expect(verify("github", secret, h({}), bytes)).toEqual({ ok: false, reason: "missing X-Hub-Signature-256" });
  });
  test("without a delivery id the body's hash is the id", () => {
    const v = verify("github", secret, h(sign("github", secret, body)), bytes);
    expect(v.ok && v.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe("timestamped scheme", () => {
  const now = 1_800_000_000_000;
  test("within the window accepted, outside refused, forged refused", () => {
    expect(verify("timestamped", secret, h(sign("timestamped", secret, body, { nowMs: now, deliveryId: "k-1" })), bytes, now)).toEqual({ ok: true, deliveryId: "k-1" });
    const old = sign("timestamped", secret, body, { nowMs: now - (WINDOW_S + 1) * 1000 });
    expect(verify("timestamped", secret, h(old), bytes, now)).toEqual({ ok: false, reason: "timestamp outside the 5-minute window (replay?)" });
    const moved = { ...sign("timestamped", secret, body, { nowMs: now - 3_600_000 }), "x-konstruct-timestamp": String(now / 1000) };
    expect(verify("timestamped", secret, h(moved), bytes, now)).toEqual({ ok: false, reason: "signature mismatch" });
    expect(verify("timestamped", secret, h({}), bytes, now).ok).toBe(false);
  });
  test("the same signed request has the same derived delivery id (a replay in the window is a duplicate)", () => {
    const headers = sign("timestamped", secret, body, { nowMs: now });
    const a = verify("timestamped", secret, h(headers), bytes, now);
    const b = verify("timestamped", secret, h(headers), bytes, now + 1000);
    expect(a.ok && b.ok && a.deliveryId === b.deliveryId).toBe(true);
  });
});
