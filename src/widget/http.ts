/**
 * The widget API's answers: JSON with CORS for the asking origin (only ever an allowed one, or the
 * refusal itself, so the widget can say why), never cached, and bodies read bounded.
 */
import { boundedBody } from "../bounded-read.ts";

/** A widget request body is a few hundred bytes; refused beyond this before it is parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

export class WidgetError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function cors(origin: string | null): Record<string, string> {
  return origin ? { "access-control-allow-origin": origin, vary: "Origin" } : { vary: "Origin" };
}

export function json(status: number, body: unknown, origin: string | null, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...cors(origin), "cache-control": "no-store", ...headers } });
}

export function failure(e: WidgetError, origin: string | null): Response {
  return json(e.status, { error: { code: e.code, message: e.message } }, origin, e.headers);
}

/** The JSON object of the body (sent as text/plain: a simple request, no preflight), bounded. */
export async function readJson(request: Request, maxBytes = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  const tooLarge = () => new WidgetError(413, "too_large", `request body over ${maxBytes} bytes`);
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  let text = "";
  try {
    text = request.body ? await new Response(boundedBody(request.body, maxBytes, tooLarge)).text() : "";
  } catch (e) {
    throw e instanceof WidgetError ? e : tooLarge();
  }
  try {
    const v: unknown = text ? JSON.parse(text) : {};
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {}
  throw new WidgetError(400, "bad_request", "the body must be a JSON object");
}
