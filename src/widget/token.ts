/**
 * Anonymous visitor identity. The server picks the visitor id (128 random bits) and signs it with the
 * widget's own key: the token is `<visitor id>.<HMAC-SHA256(key, widget id + visitor id)>`. The browser
 * keeps it in localStorage and sends it with every request; a visitor cannot forge a token for an
 * id it was not given, nor use one widget's token on another widget (tenant) — its key and id differ.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const ID = /^[A-Za-z0-9_-]{22}$/;

const sign = (key: string, widgetId: string, visitorId: string) =>
  createHmac("sha256", Buffer.from(key, "base64")).update(`${widgetId}\n${visitorId}`).digest("base64url");

/** A new key for a widget (stored sealed in the channel's secrets). */
export const newVisitorKey = (): string => randomBytes(32).toString("base64");

/** A new visitor of `widgetId`: its id and the token that proves it. */
export function issueVisitor(key: string, widgetId: string): { visitorId: string; token: string } {
  const visitorId = randomBytes(16).toString("base64url");
  return { visitorId, token: `${visitorId}.${sign(key, widgetId, visitorId)}` };
}

/** The visitor id a token proves for `widgetId`, or null (malformed, forged, another widget's). */
export function verifyVisitor(key: string, widgetId: string, token: unknown): string | null {
  if (!key || typeof token !== "string" || token.length > 100) return null;
  const [visitorId, mac, ...rest] = token.split(".");
  if (rest.length || !visitorId || !mac || !ID.test(visitorId)) return null;
  const want = Buffer.from(sign(key, widgetId, visitorId));
  const got = Buffer.from(mac);
  return got.length === want.length && timingSafeEqual(got, want) ? visitorId : null;
}
