/**
 * The channels whose delivery is the database itself (web chat, the OpenAI-compatible API, the
 * website widget): whoever asked reads the reply back from the outbox, so `send` pushes nothing —
 * the reply is already recorded when it is called — and any replica can serve the reader. `send`
 * only wakes the readers waiting on that chat on this replica, so they need not wait for their next
 * poll; a reader on another replica finds the row on its next read.
 */
import { randomUUID } from "node:crypto";
import type { ChannelAdapter, ChannelCapabilities, Delivery, InboundMessage, InboundSink, OutboundText } from "./types.ts";

export abstract class PulledAdapter implements ChannelAdapter {
  abstract readonly capabilities: ChannelCapabilities;
  private sink: InboundSink | null = null;
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(private readonly label: string) {}

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = null;
  }

  /** Hands one message to the pipeline; resolves once it is durably recorded (a repeated key: already was). */
  protected async deliver(message: InboundMessage): Promise<void> {
    if (!this.sink) throw new Error(`${this.label} channel not started`);
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

  /** Resolves at the next reply on `chatKey`, or after `ms` (the caller reads the database either way). */
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
