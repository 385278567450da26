/**
 * The terminal channel of `konstruct chat`: lines typed by an admin become inbound messages of a
 * per-agent "terminal" connection and go through the same pipeline as Slack and Telegram (inbox,
 * rate limits, budgets, audit). Replies are handed to `onReply`; nothing is sent anywhere else.
 */
import { randomUUID } from "node:crypto";
import { parseSlashCommand } from "../commands.ts";
import type { ChannelAdapter, InboundMessage, InboundSink, OutboundText } from "../types.ts";


export class TerminalAdapter implements ChannelAdapter {
  readonly capabilities = { threads: false, buttons: false, files: false, edits: false, typing: false, maxMessageLength: 100_000 };
  private sink: InboundSink | null = null;

  constructor(
    private readonly user: string,
    private readonly onReply: (text: string) => void,
  ) {}

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = null;
  }

  /** Hands one typed line to the pipeline; resolves once it is durably recorded. */
  async say(text: string): Promise<void> {
    if (!this.sink) throw new Error("terminal channel not started");
    const parsed = parseSlashCommand(text);
    const message: InboundMessage = {
      eventKey: randomUUID(),
      chatKey: `terminal:${this.user}`,
      sender: { id: this.user, name: this.user },
      text,
      command: parsed?.command,
      ...(parsed?.args ? { commandArgs: parsed.args } : {}),
      attachments: [],
      receivedAt: new Date().toISOString(),
      raw: { terminal: true },
    };
    await this.sink(message);
  }

  async send(message: OutboundText): Promise<{ externalId: string }> {
    this.onReply(message.text);
    return { externalId: randomUUID() };
  }

  async typing(): Promise<void> {}
}
