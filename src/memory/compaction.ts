/**
 * Conversation compaction. The window the model sees holds the newest turns that fit the agent's
 * budget; older turns would silently fall out. Instead, once turns lie beyond the newest
 * `keepTokens` (a share of the window, so they are summarised well before they would be cut), they
 * are folded into the conversation's rolling summary (an LLM call) — stored in conversation_memory,
 * put into every later prompt of the conversation, and kept as a `summary` memory for recall in
 * other conversations.
 */
import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { Ledger } from "../agent/ledger.ts";
import type { PreloadScope, TurnScope } from "../agent/turn-context.ts";
import type { PriceTable } from "../agent/usage.ts";
import type { Database, Tx } from "../db/database.ts";
import { conversationMemory, messages } from "../db/schema/index.ts";
import type { LlmPool } from "../llm/pool.ts";
import { rowsOf } from "../db/set-sql.ts";
import type { Memory } from "./memory.ts";
import { recordedCall, transcript } from "./summarize.ts";

export const SUMMARY_SYSTEM =
  "You maintain the running summary of a conversation between a user and an AI assistant. Merge the previous summary with the new turns into one concise summary in the third person. Keep every fact, name, number, decision and open request; drop greetings and filler. Reply with the summary only.";

export interface CompactionDeps {
  db: Database;
  memory: Memory;
  prices: PriceTable;
  log: Logger;
}

/** Summarises turns older than the newest `keepTokens` that the summary does not cover yet. */
export async function compact(deps: CompactionDeps & { pool: Pick<LlmPool, "chat"> }, scope: TurnScope, keepTokens: number): Promise<boolean> {
  const { db } = deps;
  const { tenantId, agent, conversationId } = scope;
  const state = await db.withTenant(tenantId, async (tx) => {
    const [cm] = await tx.select().from(conversationMemory).where(eq(conversationMemory.conversationId, conversationId));
    const since = cm?.summarizedUntil ?? null;
    const rows = await tx
      .select({ role: messages.role, content: messages.content, tokens: messages.tokens, createdAt: messages.createdAt })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), since ? gt(messages.createdAt, since) : undefined))
      .orderBy(desc(messages.createdAt), desc(messages.id));
    return { summary: cm?.summary ?? "", rows };
  });
  // Newest first: skip the turns the window keeps; the rest (oldest part) is what must be summarised.
  let used = 0;
  let cut = state.rows.length;
  for (let i = 0; i < state.rows.length; i++) {
    used += state.rows[i]!.tokens;
    if (used > keepTokens) {
      cut = i;
      break;
    }
  }
  const out = state.rows.slice(cut).reverse();
  if (!out.length) return false;
  const ledger = new Ledger({ tenantId, agentId: agent.id, conversationId }, deps.prices);
  const prompt = `${state.summary ? `Previous summary:\n${state.summary}\n\n` : ""}New turns:\n${transcript(out)}`;
  const summary = await recordedCall(deps, tenantId, agent, ledger, SUMMARY_SYSTEM, prompt);
  if (!summary) return false;
  const until = out.at(-1)!.createdAt;
  await db.withTenant(tenantId, (tx) =>
    tx
      .insert(conversationMemory)
      .values({ tenantId, conversationId, summary, summarizedUntil: until })
      .onConflictDoUpdate({ target: [conversationMemory.tenantId, conversationMemory.conversationId], set: { summary, summarizedUntil: until, updatedAt: sql`now()` } }),
  );
  // The conversation's summary memory is replaced, not accumulated.
  await db.withTenant(tenantId, (tx) => tx.execute(sql`delete from memories where tenant_id = ${tenantId}::uuid and conversation_id = ${conversationId}::uuid and kind = 'summary'`));
  await deps.memory.remember(tenantId, { agentId: agent.id, userKey: scope.userKey, kind: "summary", content: summary, conversationId });
  return true;
}

/**
 * What a turn's prompt needs to know first, in one statement: the conversation's summary and
 * whether the employee has any memory for this user (most new employees have none: no model load).
 */
/** What the turn context needs before the model call (see memoryStateIn). */
export type MemoryState = { summary: string; hasMemories: boolean; unsummarisedTokens: number };

/**
 * Before the model call: the conversation's summary, whether there are memories to recall, and how
 * many tokens of turns the summary does not cover yet (so the compaction after the turn can tell,
 * without reading the conversation again, that nothing needs summarising). One statement, run
 * inside the transaction that opens the turn (TurnContext.preload).
 */
export async function memoryStateIn(tx: Tx, tenantId: string, scope: PreloadScope): Promise<MemoryState> {
  const { agentId, conversationId, userKey } = scope;
  const [row] = await rowsOf<{ summary: string | null; has: boolean; pending: string | number | null }>(
    tx,
    sql`with cm as (select summary, summarized_until from conversation_memory where tenant_id = ${tenantId}::uuid and conversation_id = ${conversationId}::uuid)
        select (select summary from cm) as summary,
          exists (select 1 from memories where tenant_id = ${tenantId}::uuid and agent_id = ${agentId}::uuid and user_key in (${userKey}, '')) as has,
          (select coalesce(sum(tokens), 0) from messages where tenant_id = ${tenantId}::uuid and conversation_id = ${conversationId}::uuid
             and created_at > coalesce((select summarized_until from cm), '-infinity'::timestamptz)) as pending`,
  );
  return { summary: row?.summary ?? "", hasMemories: !!row?.has, unsummarisedTokens: Number(row?.pending ?? 0) };
}

/** The same, in a transaction of its own (a turn resumed after an approval was not preloaded). */
export function turnMemoryState(db: Database, scope: TurnScope): Promise<MemoryState> {
  return db.withTenant(scope.tenantId, (tx) => memoryStateIn(tx, scope.tenantId, { agentId: scope.agent.id, conversationId: scope.conversationId, userKey: scope.userKey }));
}
