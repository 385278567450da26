/**
 * The agent's `escalate` tool: the model calls it when the user asks for a person (in any language)
 * or it cannot help. It opens a handoff through the service (idempotent: a conversation already in
 * human mode is not escalated again) and tells the model to write the user, in the user's language,
 * that a person will answer — then the AI stays silent in the conversation until it is handed back.
 * Outside the tenant's business hours the result names when (`wait`), within them the tenant's
 * expected wait when it set one, so the model tells the user that in their own language (the fixed
 * wait notice is then left out: jobs.ts tellWait).
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

/** The team is out: when a person will answer ("Monday 09:00 (Europe/Berlin time)"); or it is in, with the tenant's expected wait. */
export type ExpectedWaitOf = { opens: string } | { withinMinutes: number };
export type ExpectedWait = (tenantId: string) => Promise<ExpectedWaitOf | null>;

export function createEscalateTool(service: Pick<HandoffService, "escalate">, wait?: ExpectedWait): Tools {
  return {
    specs: () => [ESCALATE],
    async run(call: ToolCall, ctx: ToolContext) {
      if (!ctx.conversationId) return "error: escalate works only inside a conversation";
      const reason = String(call.arguments.reason ?? "").trim().slice(0, 500) || "the user asked for a person";
      const { created } = await service.escalate({ tenantId: ctx.tenantId, agentId: ctx.agentId, conversationId: ctx.conversationId, reason, rule: "escalate_tool", source: "tool" });
      if (!created) return "already escalated: a person is already handling this conversation.";
      const w = await wait?.(ctx.tenantId);
      if (w && "opens" in w)
        return `escalated: a person will take over this conversation. The team is outside its business hours now; a person will answer from ${w.opens}. Tell the user, in their language, that a person will answer here from then.`;
      if (w) return `escalated: a person will take over this conversation shortly, usually within ${w.withinMinutes} minutes. Tell the user, in their language, that a person will take over here shortly, usually within ${w.withinMinutes} minutes.`;
      return "escalated: a person will take over this conversation. Tell the user, in their language, that a person will answer here soon.";
    },
  };
}
