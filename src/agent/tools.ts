/**
 * The agent loop's view of tools: specs go to the model, calls come back through `run`, and every
 * call is bounded by the agent's max_tool_iterations. Any object implementing `Tools` is a tool
 * provider (built-ins, MCP servers, memory); the registry (tools/registry.ts) composes providers and
 * puts permission checks and approvals in front of all of them.
 */
import type { ToolCall, ToolSpec } from "../llm/types.ts";

export interface ToolContext {
  tenantId: string;
  agentId: string;
  conversationId: string;
  /** The end user the turn answers (the channel's sender id), when known. */
  userKey?: string;
  signal?: AbortSignal;
  /** The turn's scope, set by the gateway: where it happens, who asked, what skills are active. */
  turn?: TurnScope;
  /** http_fetch: the host/path patterns of the skills that allowed this call (set by the registry). */
  network?: string[];
  /** 0 for a turn answering a user; 1 for a specialist's turn run by a team's `delegate` (src/teams/). */
  depth?: number;
  /** Delegations made so far in this turn (one object per turn, shared by every call's context). */
  delegations?: { count: number };
}

export interface TurnScope {
  channelId: string;
  chatKey: string;
  replyTo?: string;
  /** The inbound event the turn answers (outbox keys of messages the turn sends). */
  eventId: string;
  /** The channel user who asked. */
  requestedBy: string;
  /** Skill names the agent may use; null = all its tenant has. */
  enabledSkills: string[] | null;
  /** Skills loaded with use_skill so far in this turn. */
  activeSkills: string[];
  /** Next outbox seq for messages sent by tools (send_message). */
  nextSeq: number;
  /** Set when the turn is a background task's (src/tasks/): its id. */
  taskId?: string;
  /** A call a human approved: it runs without asking again. */
  approvedCallId?: string;
}

/** A call that must wait for a human: the loop stops and the gateway asks. */
export interface ToolPause {
  pause: { tool: string; arguments: Record<string, unknown>; skill: string | null; summary: string };
}

export interface Tools {
  specs(ctx?: ToolContext): ToolSpec[] | Promise<ToolSpec[]>;
  /** Returns what the model sees as the tool's result; failures are results too, never throws. */
  run(call: ToolCall, ctx: ToolContext): Promise<string | ToolPause>;
  /** Text added to the system prompt (the registry lists the skills there). */
  prompt?(ctx: ToolContext): string | Promise<string>;
}

export const NO_TOOLS: Tools = {
  specs: () => [],
  run: async (call) => `error: no tool named ${call.name} is available`,
};

export function isPause(out: string | ToolPause): out is ToolPause {
  return typeof out !== "string";
}
