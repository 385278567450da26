/**
 * The web chat channel: an admin talks to an AI employee from the browser (/admin/chat). A typed
 * message becomes an inbound message of the agent's "webchat" connection and goes through the same
 * pipeline as Slack and Telegram (inbox, rate limits, budgets, audit, outbox).
 *
 * Delivery is the database itself: the page reads the chat back from the inbox and the outbox
 * (inbound_events / outbound_messages of this connection and chat), so `send` has nothing to push —
 * the reply is already recorded when it is called — and any replica can serve the page.
 */
import { randomUUID } from "node:crypto";
import { parseSlashCommand } from "../commands.ts";
import { PulledAdapter } from "../pulled.ts";
import type { Attachment } from "../types.ts";

/** One browser chat per admin user and agent: the conversation's chat key. */
export const webchatKey = (userId: string): string => `web:${userId}`;

export class WebchatAdapter extends PulledAdapter {
  readonly capabilities = { threads: false, buttons: false, files: false, edits: false, typing: false, maxMessageLength: 20_000 };

  constructor() {
    super("web chat");
  }

  /** Hands one browser message to the pipeline; resolves once it is durably recorded. */
  async say(sender: { id: string; name: string }, text: string, attachments: Attachment[] = []): Promise<void> {
    const parsed = parseSlashCommand(text);
    await this.deliver({
      eventKey: randomUUID(),
      chatKey: webchatKey(sender.id),
      sender,
      text,
      command: parsed?.command,
      ...(parsed?.args ? { commandArgs: parsed.args } : {}),
      attachments,
      receivedAt: new Date().toISOString(),
      raw: { webchat: true },
    });
  }
}

export function createWebchatAdapter(): WebchatAdapter {
  return new WebchatAdapter();
}
