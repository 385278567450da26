/**
 * Graph API failures → the outbox's SendError. Retryable: 130429/131056/4/80007 (rate limits),
 * 131000/2/1 and 5xx (transient). Final: 131047 (outside the 24-hour window: re-engagement needed),
 * 131026 (undeliverable), 131051 (unsupported type), 100/190 (bad parameter / token). Error text
 * never carries the access token.
 */
import { SendError } from "../port.ts";

const RATE_LIMITED = new Set([4, 80007, 130429, 131056]);
const TRANSIENT = new Set([1, 2, 131000, 131016]);

export const OUTSIDE_WINDOW = "whatsapp: outside the 24-hour customer-service window";

export function graphError(status: number, body: unknown, token: string): SendError {
  const e = (body as { error?: { code?: number; message?: string; error_subcode?: number } })?.error;
  const code = Number(e?.code ?? 0);
  const text = redact(`whatsapp: ${status} ${code ? `(#${code}) ` : ""}${String(e?.message ?? "request failed").slice(0, 300)}`, token);
  if (code === 131047) return new SendError(`${OUTSIDE_WINDOW} (Meta #131047: re-engagement needed; only a template can be sent)`, false);
  if (RATE_LIMITED.has(code) || status === 429) return new SendError(text, true, 60_000);
  if (TRANSIENT.has(code) || status >= 500) return new SendError(text, true);
  return new SendError(text, false);
}

export function redact(text: string, token: string): string {
  return token ? text.split(token).join("[token]") : text;
}
