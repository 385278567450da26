/**
 * The agent loop's view of tools. The catalogue (skills, http_fetch, MCP…) arrives in a later issue;
 * the loop is built for it now: specs go to the model, calls come back through `run`, and every call
 * is bounded by the agent's max_tool_iterations.
 */
import type { ToolCall, ToolSpec } from "../llm/types.ts";

export interface ToolContext {
  tenantId: string;
  agentId: string;
  conversationId: string;
  /** The end user the turn answers (the channel's sender id), when known. */
  userKey?: string;
  signal?: AbortSignal;
}

export interface Tools {
  specs(): ToolSpec[];
  /** Returns what the model sees as the tool's result; failures are results too, never throws. */
  run(call: ToolCall, ctx: ToolContext): Promise<string>;
}

export const NO_TOOLS: Tools = {
  specs: () => [],
  run: async (call) => `error: no tool named ${call.name} is available`,
};
