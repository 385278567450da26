/**
 * The turn context of memory and knowledge (agent/turn-context.ts): before the model call, the
 * conversation's summary, the memories most similar to the user's message (within
 * memory.recall_tokens) and the instruction to cite knowledge-base passages; after the turn,
 * compaction, one at a time per conversation and off the reply path (the reply is delivered before
 * afterTurn runs). Compaction is due once the unsummarised turns pass keepTokens and then folds all
 * but the newest half of them into the summary: one call per block of turns, not one per turn.
 * Recall that fails on every turn (no embedding model) is one warning per cause; the turn goes on
 * without it.
 */
import type { Logger } from "pino";
import { KeyedMutex } from "../agent/loop.ts";
import { systemPrompt } from "../agent/prompt.ts";
import { estimateTokens } from "../agent/tokens.ts";
import type { Tx } from "../db/database.ts";
import type { PreloadScope, TurnContext, TurnScope } from "../agent/turn-context.ts";
import type { ChatMessage } from "../llm/types.ts";
import type { LlmPool } from "../llm/pool.ts";
import { WarnOnce } from "../log/once.ts";
import { compact, type CompactionDeps, type MemoryState, memoryStatesIn, summaryWriteOp, turnMemoryState } from "./compaction.ts";

export const CITE_INSTRUCTION =
  "When a question may be answered by the company's own documents (policies, handbooks, procedures), call kb_search first and answer from the passages it returns, citing each one you use as [document title — section]. If they do not answer it, say so.";

export class MemoryContext implements TurnContext {
  private readonly serial = new KeyedMutex();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Unsummarised tokens per conversation as read before the model call; taken by afterTurn. */
  private readonly pending = new Map<string, number>();
  private readonly recallWarned: WarnOnce;
  /** Compaction's write, shared by concurrent compactions and group-committed with turns. */
  private readonly write;

  constructor(private readonly deps: CompactionDeps & { recallTokens: number; log: Logger }) {
    this.recallWarned = new WarnOnce(deps.log);
    this.write = summaryWriteOp(deps.memory);
  }

  preload(tx: Tx, tenantId: string, scopes: PreloadScope[]): Promise<MemoryState[]> {
    return memoryStatesIn(tx, tenantId, scopes);
  }

  async prompt(scope: TurnScope, history: ChatMessage[], preloaded?: unknown): Promise<string> {
    const query = history.findLast((m) => m.role === "user")?.content ?? "";
    const { summary, hasMemories, unsummarisedTokens, few } = (preloaded as MemoryState | undefined) ?? (await turnMemoryState(this.deps.db, scope));
    // Turns that end without a reply never reach afterTurn: bound what they leave behind.
    if (this.pending.size > 10_000) this.pending.clear();
    this.pending.set(scope.conversationId, unsummarisedTokens);
    // Every memory fits: there is nothing to rank, so the query is neither embedded nor searched
    // (most users have a handful of memories, and the embedding was most of a turn's latency).
    const all = few && fits(few, this.deps.recallTokens) ? few.map((content) => ({ content })) : null;
    const recalled = all ?? (hasMemories
      ? await this.deps.memory
          .recall(scope.tenantId, { agentId: scope.agent.id, userKey: scope.userKey, query, budgetTokens: this.deps.recallTokens, excludeConversationId: scope.conversationId })
          .then(
            (r) => (this.recallWarned.ok(), r),
            (e) => (this.recallWarned.warn(e, "memory recall failed"), []),
          )
      : []);
    const parts = [CITE_INSTRUCTION];
    if (summary) parts.push(`Summary of the earlier part of this conversation:\n${summary}`);
    if (recalled.length) parts.push(`What you remember from earlier conversations:\n${recalled.map((r) => `- ${r.content}`).join("\n")}`);
    return parts.join("\n\n");
  }

  /** Unsummarised turns beyond this many tokens make compaction due: half of what the window can hold. */
  keepTokens(scope: TurnScope): number {
    const window = scope.agent.contextTokens - estimateTokens(systemPrompt(scope.agent)) - estimateTokens(CITE_INSTRUCTION) - this.deps.recallTokens;
    return Math.max(64, Math.floor(window / 2));
  }

  afterTurn(scope: TurnScope, pool: Pick<LlmPool, "chat">, replyTokens?: number): void {
    // Exact skip: the turns not yet summarised (read before the call) plus the reply still fit.
    const before = this.pending.get(scope.conversationId);
    this.pending.delete(scope.conversationId);
    const keep = this.keepTokens(scope);
    if (before !== undefined && replyTokens !== undefined && before + replyTokens <= keep) return;
    // Batched: summarise down to half of `keep`, so the next call is due only after as much again.
    const p = this.serial
      .run(scope.conversationId, () => compact({ ...this.deps, pool, write: this.write }, scope, { due: keep, target: Math.floor(keep / 2) }))
      .catch((e) => this.deps.log.warn({ err: e, conversation: scope.conversationId }, "compaction failed"));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Resolves when no compaction is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }
}

function fits(contents: string[], budgetTokens: number): boolean {
  let used = 0;
  for (const c of contents) if ((used += estimateTokens(c)) > budgetTokens) return false;
  return true;
}
