/**
 * The API channel (kind `api`): requests to the OpenAI-compatible endpoint (src/openai/) become
 * inbound messages of the agent's "api" connection and go through the same pipeline as Slack,
 * Telegram and the web chat (inbox, rate limits, budgets, approvals, audit, outbox).
 *
 * Delivery is the database itself, as for the web chat: the HTTP request that asked reads the
 * reply back from the outbox (by its inbound event), so `send` has nothing to push. It only wakes
 * the requests waiting on that chat, so they need not wait for their next poll.
 */
import { randomUUID } from "node:crypto";
import type { ChannelAdapter, Delivery, InboundMessage, InboundSink, OutboundText } from "../types.ts";

export class ApiAdapter implements ChannelAdapter {
  readonly capabilities = { threads: false, buttons: false, files: false, edits: false, typing: false, maxMessageLength: 100_000 };
  private sink: InboundSink | null = null;
  private readonly waiting = new Map<string, Set<() => void>>();

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = null;
  }

  /** Hands one request's turn to the pipeline; resolves once it is durably recorded (a duplicate key: already was). */
  async say(message: InboundMessage): Promise<void> {
    if (!this.sink) throw new Error("api channel not started");
    await this.sink(message);
  }

  async send(message: OutboundText): Promise<{ externalId: string }> {
    for (const wake of this.waiting.get(message.chatKey) ?? []) wake();
    return { externalId: randomUUID() };
  }

  /** The outbox row is the delivery: a reply on record is a reply delivered (exactly once). */
  async findSent(_message: OutboundText, delivery: Delivery): Promise<string | null> {
    return delivery.outboxId;
  }

  async typing(): Promise<void> {}

  /** Resolves at the next reply on `chatKey`, or after `ms` (callers poll the database either way). */
  nextSend(chatKey: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(chatKey) ?? new Set();
      this.waiting.set(chatKey, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (!set.size) this.waiting.delete(chatKey);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }
}

export function createApiAdapter(): ApiAdapter {
  return new ApiAdapter();
}
