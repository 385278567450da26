/**
 * The one place errors become HTTP responses: KonstructError → its status and code; Elysia's own
 * validation/parse errors → 400 with the reason; anything else → 500 without internals (logged).
 * A browser (Accept: text/html, outside /api) gets the same status as a page with the reason in
 * the viewer's language (i18n/error-reasons.ts), an unexpected failure as a page too, and is sent to
 * sign in instead of a bare 401. No message shows an absolute server path (scrub-paths.ts).
 */
import type { Logger } from "pino";
import { ErrorPage, errorTitle } from "../../views/pages/error.tsx";
import { localizeErrorReason } from "../i18n/error-reasons.ts";
import { localeOfRequest, withLocale } from "../i18n/i18n.ts";
import { KonstructError } from "../errors.ts";
import { errorJson, OpenAiError, toOpenAiError } from "../openai/errors.ts";
import { render } from "./render.ts";
import { scrubPaths } from "./scrub-paths.ts";

export function errorResponse(error: unknown, code: string | number, log: Logger, request?: Request): Response {
  // The OpenAI-compatible API answers in OpenAI's shape, whatever refused the request (e.g. a 413).
  if (request && new URL(request.url).pathname.startsWith("/v1/")) {
    if (code === "NOT_FOUND") return errorJson(new OpenAiError(404, "no such route", "invalid_request_error", "not_found"));
    if (!(error instanceof KonstructError)) log.error({ err: error }, "unhandled error");
    return errorJson(toOpenAiError(error));
  }
  const browser = request && wantsPage(request);
  if (error instanceof KonstructError && browser) {
    if (error.code === "unauthorized") return toLogin(request);
    if (error.status < 500) return page(request, error.status, error.message);
  }
  if (error instanceof KonstructError) return json(error.status, error.code, error.message);
  if (code === "NOT_FOUND") return browser ? page(request, 404, "no such route") : json(404, "not_found", "no such route");
  if (code === "VALIDATION") return json(400, "bad_request", validationMessage(error));
  if (code === "PARSE") return json(400, "bad_request", "request body could not be parsed");
  log.error({ err: error }, "unhandled error");
  return browser ? page(request, 500, "internal error") : json(500, "internal", "internal error");
}

function validationMessage(error: unknown): string {
  const e = error as { all?: { path?: string; summary?: string; message?: string }[] };
  const first = e.all?.[0];
  return first ? `${first.path || "body"}: ${first.summary ?? first.message ?? "invalid"}` : "invalid request";
}

function wantsPage(request: Request): boolean {
  return !new URL(request.url).pathname.startsWith("/api/") && (request.headers.get("accept") ?? "").includes("text/html");
}

function page(request: Request, status: number, message: string): Response {
  // Thrown out of the handler's language scope: the viewer's language as admin/auth remembered it
  // (their saved choice), else the browser's; a reason the catalogue knows is translated.
  return withLocale(localeOfRequest(request), () =>
    render(request, ErrorPage({ status, message: scrubPaths(localizeErrorReason(message)) }), errorTitle(status), status),
  );
}

/** A page comes back after signing in; a form post cannot be replayed, so it starts from the login. */
function toLogin(request: Request): Response {
  const url = new URL(request.url);
  const location = request.method === "GET" ? `/login?next=${encodeURIComponent(url.pathname + url.search)}` : "/login";
  // htmx acts on HX-Redirect whatever the status, before it looks at the body.
  if (request.headers.get("hx-request") === "true") return json(401, "unauthorized", "sign in required", { "hx-redirect": location });
  return new Response(null, { status: request.method === "GET" ? 302 : 303, headers: { location } });
}

function json(status: number, code: string, message: string, headers?: Record<string, string>): Response {
  return Response.json({ error: { code, message: scrubPaths(message) } }, { status, headers });
}
