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
import { parseSlashCommand } from "../commands.ts";
import type { ChannelDefinition } from "../port.ts";
import type { Attachment } from "../types.ts";
import { PulledAdapter } from "../pulled.ts";

/** One conversation per visitor of one widget. */
export const widgetChatKey = (visitorId: string): string => `visitor:${visitorId}`;

export class WidgetAdapter extends PulledAdapter {
  readonly capabilities = { threads: false, buttons: false, files: false, edits: false, typing: false, maxMessageLength: 20_000 };
  readonly origins: ReadonlySet<string>;
  readonly enabled: boolean;
  /** The key visitor tokens are signed with (src/widget/token.ts); per widget, sealed at rest. */
  readonly visitorKey: string;

  constructor(def: Pick<ChannelDefinition, "settings" | "secrets">) {
    super("widget");
    this.origins = new Set((def.settings.origins ?? "").split(/\s+/).filter(Boolean));
    this.enabled = def.settings.enabled === "true";
    this.visitorKey = def.secrets.visitor_key ?? "";
  }

  /** Hands one visitor message to the pipeline; resolves once durably recorded (a repeated id: already was). */
  async say(visitorId: string, messageId: string, text: string, attachments: Attachment[] = []): Promise<void> {
    const parsed = parseSlashCommand(text);
    await this.deliver({
      eventKey: `widget:${visitorId}:${messageId}`,
      chatKey: widgetChatKey(visitorId),
      sender: { id: `visitor:${visitorId}`, name: "Website visitor" },
      text,
      command: parsed?.command,
      ...(parsed?.args ? { commandArgs: parsed.args } : {}),
      attachments,
      receivedAt: new Date().toISOString(),
      raw: { widget: true },
    });
  }
}

export function createWidgetAdapter(def: ChannelDefinition): WidgetAdapter {
  return new WidgetAdapter(def);
}
