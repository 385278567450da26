/**
 * The start_task tool: the chatting agent (coordinator) hands long work to an executor and answers
 * at once. The task row and its job are written before the tool returns; the executor's messages
 * go to the chat the task started in. A task's own turn is not offered start_task (no fan-out).
 */
import type { ToolContext, Tools } from "../agent/tools.ts";
import type { Database } from "../db/database.ts";
import type { ToolCall, ToolSpec } from "../llm/types.ts";
import { insertTask } from "./store.ts";

export const START_TASK: ToolSpec = {
  name: "start_task",
  description:
    "Start a background task for work that takes more than a moment (research, a report, several steps with tools). " +
    "It runs on its own while you keep chatting; its result is posted into this conversation when done. " +
    "After calling it, tell the user in one short sentence that you are on it and give the task number.",
  parameters: {
    type: "object",
    properties: {
      goal: { type: "string", minLength: 1, maxLength: 2000, description: "What the task must achieve" },
      context: { type: "string", maxLength: 8000, description: "Everything from the conversation the task needs to know" },
      expected_output: { type: "string", maxLength: 1000, description: "What the result should look like" },
    },
    required: ["goal"],
    additionalProperties: false,
  },
};

export function createStartTask(deps: { db: Database; enqueue(tenantId: string, taskId: string): Promise<void> }): Tools {
  return {
    specs: (ctx?: ToolContext) => (ctx?.turn?.taskId ? [] : [START_TASK]),
    async run(call: ToolCall, ctx: ToolContext) {
      const turn = ctx.turn;
      if (!turn || turn.taskId) return "error: start_task works only inside a chat conversation";
      const a = call.arguments as { goal: string; context?: string; expected_output?: string };
      const task = await deps.db.withTenant(ctx.tenantId, (tx) =>
        insertTask(tx, {
          tenantId: ctx.tenantId,
          agentId: ctx.agentId,
          conversationId: ctx.conversationId,
          channelId: turn.channelId,
          chatKey: turn.chatKey,
          replyTo: turn.replyTo ?? null,
          eventId: turn.eventId,
          requestedBy: turn.requestedBy,
          goal: a.goal,
          context: a.context ?? "",
          expectedOutput: a.expected_output ?? "",
        }),
      );
      await deps.enqueue(ctx.tenantId, task.id);
      return `started: task #${task.number}. Tell the user "On it — task #${task.number}" (they can follow it with /tasks and stop it with /cancel ${task.number}).`;
    },
  };
}
