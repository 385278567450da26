/**
 * Errors in OpenAI's shape, `{ error: { message, type, code, param } }`, with OpenAI's statuses, so
 * SDKs raise their usual exceptions (AuthenticationError, NotFoundError, RateLimitError…). Messages
 * are written for the person reading the client's log; none names a secret or a server path.
 */
import { KonstructError } from "../errors.ts";

export type OpenAiErrorType = "invalid_request_error" | "authentication_error" | "rate_limit_error" | "insufficient_quota" | "server_error" | "timeout";

export class OpenAiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: OpenAiErrorType,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "OpenAiError";
  }

  toJSON() {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}

export const badRequest = (message: string, param: string | null = null) => new OpenAiError(400, message, "invalid_request_error", "invalid_request", param);
export const badKey = () =>
  new OpenAiError(401, "Incorrect or missing API key. Send `Authorization: Bearer ksk_…` with a key from the console (API keys).", "authentication_error", "invalid_api_key");
/** Unknown, and not this key's: the same answer, so a key cannot learn what exists elsewhere. */
export const noModel = (model: string) => new OpenAiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found", "model");

/** Any error as a response: OpenAiError as is, a KonstructError by its status, anything else a 500 (logged by the caller). */
export function toOpenAiError(e: unknown): OpenAiError {
  if (e instanceof OpenAiError) return e;
  if (e instanceof KonstructError) {
    if (e.status === 413) return new OpenAiError(413, e.message, "invalid_request_error", "request_too_large");
    if (e.status < 500) return new OpenAiError(e.status, e.message, "invalid_request_error", e.code);
    return new OpenAiError(e.status, e.message, "server_error", e.code);
  }
  return new OpenAiError(500, "internal error", "server_error", "internal");
}

export function errorJson(e: OpenAiError): Response {
  return Response.json(e.toJSON(), { status: e.status, headers: e.headers });
}
