/**
 * The two failures the LLM pool throws. A provider throws LlmCallError for one call; the pool
 * throws LlmChainError once a whole model chain is exhausted or the caller cancelled it.
 *
 * Invariant: no message built here may contain an API key. Providers echo keys back in 401 bodies
 * ("Incorrect API key provided: sk-…"), so every provider message passes through `redact` with the
 * key it used before it becomes an LlmCallError, and SDK errors are never attached as `cause` (they
 * are logged by pino as whole objects, and their contents are not under our control). An HTTP
 * failure is described by its status and a generic reason only (`statusReason`), never by the
 * response body: a tenant reads these in the console, and a base_url pointed at some other
 * service must not turn the Test button into a reader of that service's answers.
 */
import type { Attempt } from "./types.ts";

export type LlmFailureKind = "timeout" | "rate_limited" | "server" | "client" | "network" | "cancelled";

export class LlmCallError extends Error {
  constructor(
    readonly kind: LlmFailureKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "LlmCallError";
  }

  /** The text recorded on an Attempt: kind first, so usage/audit rows can be grepped by it. */
  describe(): string {
    const status = this.status === undefined ? "" : ` HTTP ${this.status}`;
    const retry = this.retryAfterMs === undefined ? "" : `, retry after ${this.retryAfterMs}ms`;
    return `${this.kind}${status}${retry}: ${this.message}`;
  }
}

/** The kind an HTTP status means for us; 408 is the server's own timeout, not our mistake. */
export function kindForStatus(status: number): LlmFailureKind {
  if (status === 429) return "rate_limited";
  if (status === 408) return "timeout";
  return status >= 500 ? "server" : "client";
}

/** What an HTTP failure status means, in our words (the remote body is never shown). */
export function statusReason(status: number): string {
  const known: Record<number, string> = {
    400: "the endpoint rejected the request",
    401: "the endpoint refused the credentials (check the API key)",
    402: "the account has no credit left",
    403: "access forbidden",
    404: "not found (check base_url and the model name)",
    408: "the endpoint timed out",
    413: "request too large",
    422: "the endpoint rejected the request",
    429: "rate limited",
  };
  return known[status] ?? (status >= 500 ? "server error at the endpoint" : "the endpoint rejected the request");
}

/**
 * For a provider whose signal aborted: a TimeoutError reason (AbortSignal.timeout, the pool's timer)
 * means timeout, anything else cancelled. The pool does not rely on this: it knows which of its two
 * signals fired, and a caller's own AbortSignal.timeout() is still the caller cancelling.
 */
export function abortKind(signal: AbortSignal): "timeout" | "cancelled" {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === "TimeoutError" ? "timeout" : "cancelled";
}

/** `Retry-After` (seconds or HTTP date) or OpenAI's `retry-after-ms`, in milliseconds. */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined): number | undefined {
  const ms = Number(headers?.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers?.get("retry-after");
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Replace every occurrence of the key (APIs and proxies echo it in 401 bodies and URLs). */
export function redact(text: string, apiKey: string): string {
  return apiKey.length < 4 ? text : text.split(apiKey).join("[redacted]");
}

export class LlmChainError extends Error {
  /**
   * `cancelled`: the caller aborted, later links were not tried. `exhausted`: every link failed.
   * `budget`: no link answered and at least one was not called because the budget could not pay for it.
   */
  readonly kind: "cancelled" | "exhausted" | "budget";
  constructor(
    readonly attempts: Attempt[],
    cancelled: boolean,
    /** Why links were not called (LinkBound), in chain order. */
    readonly refused: string[] = [],
    /** Says why no link could be tried at all (no link sees images). */
    why?: string,
  ) {
    super(why ?? (refused.length && !cancelled ? refused[0]! : chainMessage(attempts, cancelled)));
    this.name = "LlmChainError";
    this.kind = cancelled ? "cancelled" : refused.length ? "budget" : "exhausted";
  }
}

function chainMessage(attempts: Attempt[], cancelled: boolean): string {
  const links = attempts.map((a) => `${a.provider}/${a.model}: ${a.error ?? "ok"}`).join("; ");
  if (cancelled) return `model call cancelled${links ? ` (${links})` : ""}`;
  if (attempts.length === 0) return "no model configured (empty model chain)";
  return `every model in the chain failed: ${links}`;
}
