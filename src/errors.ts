/**
 * The one error type the application throws on purpose. `status` is what the HTTP layer answers,
 * `code` is stable for API clients and tests; the CLI prints `message` as its one-line reason.
 * Mapping to responses and exit codes happens in exactly one place each (http/errors.ts, cli/main.ts).
 */
export type ErrorCode =
  | "config_invalid"
  | "usage"
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "too_many_requests"
  | "db_unavailable"
  | "redis_unavailable"
  | "schema_newer"
  | "schema_stale"
  | "port_in_use"
  | "internal"
  | "too_large"
  | "unprocessable"
  | "model_unavailable"
  | "unavailable"
  | "insufficient_storage";

const STATUS: Record<ErrorCode, number> = {
  config_invalid: 500,
  usage: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many_requests: 429,
  db_unavailable: 503,
  redis_unavailable: 503,
  schema_newer: 503,
  schema_stale: 503,
  port_in_use: 500,
  internal: 500,
  too_large: 413,
  unprocessable: 422,
  model_unavailable: 503,
  unavailable: 503,
  insufficient_storage: 507,
};

export class KonstructError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "KonstructError";
    this.status = STATUS[code];
  }
}

/**
 * An error and what it wraps, outermost first, at most `depth` links: `cause`, or where SDKs keep
 * what their fetch threw — `original` (Slack's client) or `error` (grammY's HttpError).
 */
export function* causeChain(e: unknown, depth = 5): Generator<Record<string, unknown>> {
  for (let at = e, i = 0; at && typeof at === "object" && i < depth; i++) {
    const link = at as Record<string, unknown>;
    yield link;
    at = link.cause ?? link.original ?? link.error;
  }
}
