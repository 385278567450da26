/**
 * The one place errors become HTTP responses: KonstructError → its status and code; Elysia's own
 * validation/parse errors → 400 with the reason; anything else → 500 without internals (logged).
 */
import type { Logger } from "pino";
import { KonstructError } from "../errors.ts";

export function errorResponse(error: unknown, code: string | number, log: Logger, request?: Request): Response {
  if (error instanceof KonstructError && error.code === "unauthorized" && request && wantsPage(request)) return toLogin(request);
  if (error instanceof KonstructError) return json(error.status, error.code, error.message);
  if (code === "NOT_FOUND") return json(404, "not_found", "no such route");
  if (code === "VALIDATION") return json(400, "bad_request", validationMessage(error));
  if (code === "PARSE") return json(400, "bad_request", "request body could not be parsed");
  log.error({ err: error }, "unhandled error");
  return json(500, "internal", "internal error");
}

function validationMessage(error: unknown): string {
  const e = error as { all?: { path?: string; summary?: string; message?: string }[] };
  const first = e.all?.[0];
  return first ? `${first.path || "body"}: ${first.summary ?? first.message ?? "invalid"}` : "invalid request";
}

/** A browser navigating to a page (not the API, not a form post) is sent to sign in instead of a 401. */
function wantsPage(request: Request): boolean {
  const url = new URL(request.url);
  return request.method === "GET" && !url.pathname.startsWith("/api/") && (request.headers.get("accept") ?? "").includes("text/html");
}

function toLogin(request: Request): Response {
  const url = new URL(request.url);
  const location = `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
  // htmx acts on HX-Redirect whatever the status, before it looks at the body.
  if (request.headers.get("hx-request") === "true") return json(401, "unauthorized", "sign in required", { "hx-redirect": location });
  return new Response(null, { status: 302, headers: { location } });
}

function json(status: number, code: string, message: string, headers?: Record<string, string>): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}
