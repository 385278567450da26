/**
 * What a turn may add around the model call, provided from outside the agent loop (long-term memory,
 * knowledge base): system-prompt text before the call, and work after the turn is recorded.
 */
import type { Agent } from "../db/schema/index.ts";
import type { LlmPool } from "../llm/pool.ts";
import type { ChatMessage } from "../llm/types.ts";

export interface TurnScope {
  tenantId: string;
  agent: Agent;
  conversationId: string;
  /** The end user (channel sender id), '' when unknown. */
  userKey: string;
}

export interface TurnContext {
  /** Extra system-prompt text for this turn; `history` ends with the user's message. */
  prompt(scope: TurnScope, history: ChatMessage[]): Promise<string>;
  /** After the assistant turn is on record (compaction); must not throw. */
  afterTurn(scope: TurnScope, pool: Pick<LlmPool, "chat">, replyTokens?: number): void;
}
