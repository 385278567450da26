/**
 * The send_message built-in: posts a separate message into the current conversation (an action
 * list to pin, an announcement), through the outbox so it goes out exactly once: its key is the
 * turn's inbound event and a seq counted within the turn, so a turn re-run after a crash finds the
 * message already recorded (and sent) instead of posting it again.
 */
import type { ToolContext, Tools } from "../agent/tools.ts";
import type { Database } from "../db/database.ts";
import type { Outbox } from "../gateway/outbox.ts";
import { prepareMany } from "../gateway/outbox.ts";
import type { Connection } from "../gateway/pipeline.ts";
import type { ToolCall, ToolSpec } from "../llm/types.ts";

export const SEND_MESSAGE: ToolSpec = {
  name: "send_message",
  description: "Post a separate message into the current conversation (e.g. a list the team can pin). Your normal reply is sent anyway; use this only for an extra message.",
  parameters: {
    type: "object",
    properties: { text: { type: "string", minLength: 1, maxLength: 4000, description: "Markdown" } },
    required: ["text"],
    additionalProperties: false,
  },
};

export function describeSendMessage(call: ToolCall): string {
  const quoted = String(call.arguments.text ?? "").split("\n").map((l) => `> ${l}`).join("\n");
  return `Post this message to the conversation:\n${quoted}`;
}

export function createSendMessage(deps: { db: Database; outbox: Outbox; connection(channelId: string): Connection | undefined }): Tools {
  return {
    specs: () => [SEND_MESSAGE],
    async run(call: ToolCall, ctx: ToolContext) {
      const turn = ctx.turn;
      const conn = turn && deps.connection(turn.channelId);
      if (!turn || !conn) return "error: send_message works only inside a chat conversation";
      const seq = turn.nextSeq++;
      const draft = { channelId: turn.channelId, key: { inboundEventId: turn.eventId, seq }, message: { chatKey: turn.chatKey, replyTo: turn.replyTo, text: String(call.arguments.text) } };
      const [prepared] = await deps.db.withTenant(ctx.tenantId, (tx) => prepareMany(tx, ctx.tenantId, [draft]));
      const outcome = await deps.outbox.deliver(ctx.tenantId, prepared!, conn.adapter, (o) => ({
        audit: { tenantId: ctx.tenantId, kind: "outbound", agentId: ctx.agentId, conversationId: ctx.conversationId, summary: `send_message ${o.status}`, data: { chat: turn.chatKey, seq } },
      }));
      if (outcome.status === "failed") return `error: the message could not be sent (${outcome.error})`;
      return "sent: the message is in the conversation";
    },
  };
}
