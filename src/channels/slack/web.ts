/**
 * The Slack Web API client as this adapter uses it, and how its failures become SendErrors.
 *
 * Why these options: the outbox owns retries (so the client makes exactly one attempt and rejects a
 * 429 at once with Slack's Retry-After instead of sleeping on it); its own logging is reduced to
 * warnings and errors through our logger, because debug output would carry request bodies. The
 * package is imported lazily by the caller — it is not needed until a Slack connection starts.
 * Error messages are built from Slack's error code or the HTTP status only, never from a request,
 * so a token cannot leak into an outbox row or a log line.
 */
import type { Logger as SlackLogger, WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import { networkDoubt, SendError } from "../port.ts";
import { refusalIn } from "../../net/outbound.ts";

type WebApiModule = typeof import("@slack/web-api");

/** Slack platform errors that say "try again later" rather than "this cannot work". */
const TRANSIENT_PLATFORM_ERRORS = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited", "rate_limited"]);

/** `fetch`: the SSRF-guarded one (AdapterContext.fetch) — api_url is admin-set. */
export function createWebClient(mod: WebApiModule, token: string, slackApiUrl: string | undefined, log: Logger, fetch: typeof globalThis.fetch): WebClient {
  return new mod.WebClient(token, {
    fetch,
    ...(slackApiUrl ? { slackApiUrl: apiBase(slackApiUrl) } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
    logger: quietLogger(mod, log),
  });
}

/** WebClient appends the method name to this verbatim, so it must end with a slash. */
export function apiBase(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

export function quietLogger(mod: WebApiModule, log: Logger): SlackLogger {
  return {
    debug: () => {},
    info: () => {},
    warn: (...msg: unknown[]) => log.warn({ slack: msg.map(String).join(" ") }, "slack client warning"),
    error: (...msg: unknown[]) => log.error({ slack: msg.map(String).join(" ") }, "slack client error"),
    setLevel: () => {},
    getLevel: () => mod.LogLevel.WARN,
    setName: () => {},
  };
}

/** Maps anything a WebClient call throws to the outbox's SendError. */
export function toSendError(e: unknown, method: string): SendError {
  // The SSRF guard refused api_url (or an upload URL): retrying cannot help.
  const refused = refusalIn(e);
  if (refused) return new SendError(`slack ${method}: ${refused.message}`, false);
  const err = e as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; original?: { name?: string; code?: string } };
  switch (err?.code) {
    case "slack_webapi_rate_limited_error":
      return new SendError(`slack ${method}: rate limited`, true, Math.max(0, err.retryAfter ?? 0) * 1000);
    case "slack_webapi_http_error": {
      const status = err.statusCode ?? 0;
      // A 5xx or 408 came after Slack had the request: it may have posted, so the retry looks first.
      return new SendError(`slack ${method}: HTTP ${status}`, status >= 500 || status === 408 || status === 429, undefined, status >= 500 || status === 408 ? "lost" : undefined);
    }
    case "slack_webapi_request_error":
      return new SendError(`slack ${method}: network error (${err.original?.code ?? err.original?.name ?? "request failed"})`, true, undefined, networkDoubt(err.original));
    case "slack_webapi_platform_error": {
      const code = err.data?.error ?? "unknown_error";
      return new SendError(`slack ${method}: ${code}`, TRANSIENT_PLATFORM_ERRORS.has(code));
    }
  }
  // A 429 without a usable Retry-After surfaces as a plain Error from the client.
  if (e instanceof Error && /rate limit|Retry header/i.test(e.message)) return new SendError(`slack ${method}: rate limited`, true);
  return new SendError(`slack ${method}: ${e instanceof Error ? e.name : "unknown failure"}`, false);
}

export function isTransient(e: unknown): boolean {
  return toSendError(e, "call").retryable;
}
