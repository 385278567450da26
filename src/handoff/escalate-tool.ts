/**
 * The agent's `escalate` tool: the model calls it when the user asks for a person (in any language)
 * or it cannot help. It opens a handoff through the service (idempotent: a conversation already in
 * human mode is not escalated again) and tells the model to write the user, in the user's language,
 * that a person will answer — then the AI stays silent in the conversation until it is handed back.
 */
import type { ToolContext, Tools } from "../agent/tools.ts";
import type { ToolCall, ToolSpec } from "../llm/types.ts";
import type { HandoffService } from "./service.ts";

export const ESCALATE: ToolSpec = {
  name: "escalate",
  description:
    "Hand the conversation to a human colleague. Call it when the user asks for a person (in any language) or you cannot help. " +
    "Afterwards tell the user, in their language, that a person will answer here.",
  parameters: {
    type: "object",
    properties: { reason: { type: "string", minLength: 1, maxLength: 500, description: "Why a person is needed, for the human who takes it" } },
    required: ["reason"],
    additionalProperties: false,
  },
};

export function createEscalateTool(service: Pick<HandoffService, "escalate">): Tools {
  return {
    specs: () => [ESCALATE],
    async run(call: ToolCall, ctx: ToolContext) {
      if (!ctx.conversationId) return "error: escalate works only inside a conversation";
      const reason = String(call.arguments.reason ?? "").trim().slice(0, 500) || "the user asked for a person";
      const { created } = await service.escalate({ tenantId: ctx.tenantId, agentId: ctx.agentId, conversationId: ctx.conversationId, reason, rule: "escalate_tool", source: "tool" });
      return created
        ? "escalated: a person will take over this conversation. Tell the user, in their language, that a person will answer here soon."
        : "already escalated: a person is already handling this conversation.";
    },
  };
}
