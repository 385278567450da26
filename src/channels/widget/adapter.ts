/**
 * The website widget channel (kind `widget`, src/widget/): visitors of a tenant's web site talk to an
 * AI employee through a chat bubble. A visitor's message becomes an inbound message of the agent's
 * "widget" connection and goes through the same pipeline as every channel (inbox, rate limits,
 * budgets, commands such as /human, handoff, audit, outbox).
 *
 * Delivery is the database itself, as for the web chat: the widget polls the visitor's chat back
 * from the inbox and outbox, so `send` pushes nothing; it only wakes polls waiting on that chat.
 * The connection's settings (allowed origins, enabled) and its sealed visitor-token key are held
 * here, so a request is checked without a database read; a console edit restarts the connection.
 */
import { randomUUID } from "node:crypto";
import type { ChannelDefinition } from "../../gateway/connections.ts";
import { parseSlashCommand } from "../commands.ts";
import type { ChannelAdapter, Delivery, InboundSink, OutboundText } from "../types.ts";

/** One conversation per visitor of one widget. */
export const widgetChatKey = (visitorId: string): string => `visitor:${visitorId}`;

export class WidgetAdapter implements ChannelAdapter {
  readonly capabilities = { threads: false, buttons: false, files: false, edits: false, typing: false, maxMessageLength: 20_000 };
  private sink: InboundSink | null = null;
  private readonly waiting = new Map<string, Set<() => void>>();
  readonly origins: ReadonlySet<string>;
  readonly enabled: boolean;
  /** The key visitor tokens are signed with (src/widget/token.ts); per widget, sealed at rest. */
  readonly visitorKey: string;

  constructor(def: Pick<ChannelDefinition, "settings" | "secrets">) {
    this.origins = new Set((def.settings.origins ?? "").split(/\s+/).filter(Boolean));
    this.enabled = def.settings.enabled === "true";
    this.visitorKey = def.secrets.visitor_key ?? "";
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = null;
  }

  /** Hands one visitor message to the pipeline; resolves once durably recorded (a repeated id: already was). */
  async say(visitorId: string, messageId: string, text: string): Promise<void> {
    if (!this.sink) throw new Error("widget channel not started");
    const parsed = parseSlashCommand(text);
    await this.sink({
      eventKey: `widget:${visitorId}:${messageId}`,
      chatKey: widgetChatKey(visitorId),
      sender: { id: `visitor:${visitorId}`, name: "Website visitor" },
      text,
      command: parsed?.command,
      ...(parsed?.args ? { commandArgs: parsed.args } : {}),
      attachments: [],
      receivedAt: new Date().toISOString(),
      raw: { widget: true },
    });
  }

  async send(message: OutboundText): Promise<{ externalId: string }> {
    for (const wake of this.waiting.get(message.chatKey) ?? []) wake();
    return { externalId: randomUUID() };
  }

  /** The widget shows the outbox row itself: a reply on record is a reply delivered (exactly once). */
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

export function createWidgetAdapter(def: ChannelDefinition): WidgetAdapter {
  return new WidgetAdapter(def);
}
