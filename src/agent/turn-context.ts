/**
 * What a turn may add around the model call, provided from outside the agent loop (long-term memory,
 * knowledge base): system-prompt text before the call, and work after the turn is recorded.
 */
import type { Tx } from "../db/database.ts";
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

/** Which turn a preload is for (the agent row is not loaded yet when it runs). */
export interface PreloadScope {
  agentId: string;
  conversationId: string;
  userKey: string;
}

export interface TurnContext {
  /**
   * Reads prompt() needs, run inside the transaction that opens the turns (one per batch of turns,
   * so the hot path pays no transaction of its own); one result per scope, handed back to prompt().
   */
  preload?(tx: Tx, tenantId: string, scopes: PreloadScope[]): Promise<unknown[]>;
  /** Extra system-prompt text for this turn; `history` ends with the user's message. */
  prompt(scope: TurnScope, history: ChatMessage[], preloaded?: unknown): Promise<string>;
  /** After the assistant turn is on record (compaction); must not throw. */
  afterTurn(scope: TurnScope, pool: Pick<LlmPool, "chat">, replyTokens?: number): void;
}
