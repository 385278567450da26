/**
 * The API channel (kind `api`): requests to the OpenAI-compatible endpoint (src/openai/) become
 * inbound messages of the agent's "api" connection and go through the same pipeline as Slack,
 * Telegram and the web chat (inbox, rate limits, budgets, approvals, audit, outbox).
 *
 * Delivery is the database itself, as for the web chat: the HTTP request that asked reads the
 * reply back from the outbox (by its inbound event), so `send` has nothing to push. It only wakes
 * the requests waiting on that chat, so they need not wait for their next poll.
 */
import { PulledAdapter } from "../pulled.ts";
import type { InboundMessage } from "../types.ts";

export class ApiAdapter extends PulledAdapter {
  readonly capabilities = { threads: false, buttons: false, files: false, edits: false, typing: false, maxMessageLength: 100_000 };

  constructor() {
    super("api");
  }

  /** Hands one request's turn to the pipeline; resolves once it is durably recorded (a duplicate key: already was). */
  say(message: InboundMessage): Promise<void> {
    return this.deliver(message);
  }
}

export function createApiAdapter(): ApiAdapter {
  return new ApiAdapter();
}
