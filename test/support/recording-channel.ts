/**
 * A channel that keeps what the pipeline sends, for tests that drive the real pipeline without an
 * emulator: its sink is the gateway's, `sent` is every reply in order. `inbound` builds a message with
 * a fresh event key each call, so a test never repeats an event by accident.
 */
import type { ChannelAdapter, InboundMessage, InboundSink, OutboundText } from "../../src/channels/types.ts";

export class RecordingChannel implements ChannelAdapter {
  readonly capabilities = { threads: true, buttons: false, files: false, edits: false, typing: false, maxMessageLength: 4096 };
  sink: InboundSink | null = null;
  sent: OutboundText[] = [];
  async start(sink: InboundSink) {
    this.sink = sink;
  }
  async stop() {}
  async send(m: OutboundText) {
    this.sent.push(m);
    return { externalId: String(this.sent.length) };
  }
  async typing() {}
}

let seq = 0;
/** A user's message in `chatKey`, with a new event key; `o` overrides any field. */
export const inbound = (text: string, chatKey = "chat-1", o: Partial<InboundMessage> = {}): InboundMessage => ({
  eventKey: `ev-${++seq}`,
  chatKey,
  replyTo: String(seq),
  sender: { id: `u-${chatKey}`, name: "Ursula" },
  text,
  attachments: [],
  receivedAt: new Date().toISOString(),
  raw: {},
  ...o,
});
