import { describe, expect, test } from "bun:test";
import { signSlack, verifySlackRequest, verifySlackSignature } from "./verify.ts";

// Slack's documented example (api.slack.com/authentication/verifying-requests-from-slack).
const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TS = "1531420618";
const BODY =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const EXPECTED = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const NOW = Number(TS) + 10;

const request = (headers: Record<string, string>) => new Request("http://localhost/hooks/slack/x", { method: "POST", headers, body: BODY });

describe("Slack v0 signatures", () => {
  test("reproduces Slack's documented vector", () => {
    expect(signSlack(SECRET, TS, BODY)).toBe(EXPECTED);
    expect(verifySlackSignature(SECRET, { timestamp: TS, signature: EXPECTED }, BODY, NOW)).toEqual({ ok: true });
  });

  test("verifies from request headers", () => {
    const req = request({ "x-slack-request-timestamp": TS, "x-slack-signature": EXPECTED });
    expect(verifySlackRequest(SECRET, req, BODY, NOW)).toEqual({ ok: true });
  });

  test("refuses a body changed by one byte", () => {
    expect(verifySlackSignature(SECRET, { timestamp: TS, signature: EXPECTED }, `${BODY} `, NOW)).toEqual({ ok: false, reason: "bad signature" });
  });

  test("refuses a wrong secret, a truncated and a garbage signature", () => {
    expect(verifySlackSignature("other", { timestamp: TS, signature: EXPECTED }, BODY, NOW).ok).toBe(false);
    expect(verifySlackSignature(SECRET, { timestamp: TS, signature: EXPECTED.slice(0, -1) }, BODY, NOW).ok).toBe(false);
    expect(verifySlackSignature(SECRET, { timestamp: TS, signature: "v1=zzz" }, BODY, NOW).ok).toBe(false);
  });

  test("refuses timestamps more than five minutes old or ahead", () => {
    const sig = (ts: number) => signSlack(SECRET, ts, BODY);
    const now = Number(TS);
    expect(verifySlackSignature(SECRET, { timestamp: String(now - 301), signature: sig(now - 301) }, BODY, now)).toEqual({ ok: false, reason: "stale timestamp" });
    expect(verifySlackSignature(SECRET, { timestamp: String(now + 301), signature: sig(now + 301) }, BODY, now)).toEqual({ ok: false, reason: "stale timestamp" });
    expect(verifySlackSignature(SECRET, { timestamp: String(now - 300), signature: sig(now - 300) }, BODY, now).ok).toBe(true);
  });

  test("refuses missing headers, a malformed timestamp and an empty secret", () => {
    expect(verifySlackRequest(SECRET, request({}), BODY, NOW)).toEqual({ ok: false, reason: "missing signature headers" });
    expect(verifySlackRequest(SECRET, request({ "x-slack-signature": EXPECTED }), BODY, NOW).ok).toBe(false);
    expect(verifySlackRequest(SECRET, request({ "x-slack-request-timestamp": TS }), BODY, NOW).ok).toBe(false);
    expect(verifySlackSignature(SECRET, { timestamp: "1531420618.5", signature: EXPECTED }, BODY, NOW)).toEqual({ ok: false, reason: "malformed timestamp" });
    expect(verifySlackSignature("", { timestamp: TS, signature: EXPECTED }, BODY, NOW)).toEqual({ ok: false, reason: "no signing secret configured" });
  });
});
