/**
 * Conversation compaction. The window the model sees holds the newest turns that fit the agent's
 * budget; older turns would silently fall out. Instead, once the turns the summary does not cover
 * pass `keepTokens` (a share of the window, so they are summarised well before they would be cut),
 * everything but the newest `targetTokens` of them is folded into the conversation's rolling summary
 * (one LLM call) — stored in conversation_memory, put into every later prompt of the conversation,
 * and kept as a `summary` memory for recall in other conversations.
 *
 * Batched: target < keep, so one call summarises a block of turns and the next is due only once
 * (keep − target) tokens more have been said — not a sliver of every turn. The call's usage and
 * audit rows, the summary and its memory are one write that joins the tenant's group commit.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { Ledger, ledgerParts, type LedgerRows } from "../agent/ledger.ts";
import type { PreloadScope, TurnScope } from "../agent/turn-context.ts";
import type { PriceTable } from "../agent/usage.ts";
import type { Database, Tx } from "../db/database.ts";
import type { BatchOp } from "../db/group-commit.ts";
import { conversationMemory, messages } from "../db/schema/index.ts";
import type { LlmPool } from "../llm/pool.ts";
import { recordset, rowsOf, statement } from "../db/set-sql.ts";
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

/** What one compaction writes: its ledger, and (when the model answered) the summary and its memory. */
interface SummaryWrite {
  ledger: LedgerRows;
  summary?: { conversationId: string; agentId: string; userKey: string; text: string; until: string; vector: Float32Array | null };
}

/** The compaction's write as a group-commit op (pure in its items: see db/group-commit.ts). */
export function summaryWriteOp(memory: Memory): BatchOp<SummaryWrite, void> {
  return {
    name: "memory.summary",
    async run(tx, tenantId, items) {
      const ledger = { calls: items.flatMap((i) => i.ledger.calls), audits: items.flatMap((i) => i.ledger.audits), reservations: items.flatMap((i) => i.ledger.reservations) };
      if (ledger.calls.length + ledger.audits.length + ledger.reservations.length) await rowsOf(tx, statement(ledgerParts(ledger)));
      for (const { summary: s } of items) {
        if (!s) continue;
        const until = sql`${s.until}::timestamptz`;
        await tx
          .insert(conversationMemory)
          .values({ tenantId, conversationId: s.conversationId, summary: s.text, summarizedUntil: until })
          .onConflictDoUpdate({ target: [conversationMemory.tenantId, conversationMemory.conversationId], set: { summary: s.text, summarizedUntil: until, updatedAt: sql`now()` } });
        // The conversation's summary memory is replaced, not accumulated.
        await tx.execute(sql`delete from memories where tenant_id = ${tenantId}::uuid and conversation_id = ${s.conversationId}::uuid and kind = 'summary'`);
        await memory.rememberIn(tx, tenantId, { agentId: s.agentId, userKey: s.userKey, kind: "summary", content: s.text, conversationId: s.conversationId }, s.vector);
      }
      return items.map(() => undefined);
    },
  };
}

/**
 * Once the turns the summary does not cover yet pass `due` tokens, summarises all but the newest
 * `target` tokens of them. `write` is summaryWriteOp's op (one per process, so concurrent
 * compactions share statements).
 */
export async function compact(deps: CompactionDeps & { pool: Pick<LlmPool, "chat">; write: BatchOp<SummaryWrite, void> }, scope: TurnScope, tokens: { due: number; target: number }): Promise<boolean> {
  const { db } = deps;
  const { tenantId, agent, conversationId } = scope;
  const state = await db.withTenant(tenantId, async (tx) => {
    const [cm] = await tx.select().from(conversationMemory).where(eq(conversationMemory.conversationId, conversationId));
    // Compared in SQL: the JS Date read back would have lost the microseconds (see below).
    const since = cm?.summarizedUntil ? sql`(select summarized_until from conversation_memory where tenant_id = ${tenantId}::uuid and conversation_id = ${conversationId}::uuid)` : null;
    const rows = await tx
      // created_at as text: a JS Date keeps milliseconds, Postgres microseconds — a summary marked up to a
      // truncated instant would take its last turn again next time.
      .select({ role: messages.role, content: messages.content, tokens: messages.tokens, createdAt: sql<string>`${messages.createdAt}::text` })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), since ? sql`${messages.createdAt} > ${since}` : undefined))
      .orderBy(desc(messages.createdAt), desc(messages.id));
    return { summary: cm?.summary ?? "", rows };
  });
  if (state.rows.reduce((n, r) => n + r.tokens, 0) <= tokens.due) return false;
  // Newest first: skip the turns the window keeps; the rest (oldest part) is what must be summarised.
  const targetTokens = tokens.target;
  let used = 0;
  let cut = state.rows.length;
  for (let i = 0; i < state.rows.length; i++) {
    used += state.rows[i]!.tokens;
    if (used > targetTokens) {
      cut = i;
      break;
    }
  }
  // The summary is marked "until" its newest turn's instant, and later reads take what is strictly
  // after it: a kept turn stamped the same instant (turns written in one statement can be) would
  // be in neither. Such a turn is summarised with the others instead.
  while (cut > 0 && cut < state.rows.length && state.rows[cut - 1]!.createdAt === state.rows[cut]!.createdAt) cut--;
  const out = state.rows.slice(cut).reverse();
  if (!out.length) return false;
  const ledger = new Ledger({ tenantId, agentId: agent.id, conversationId }, deps.prices);
  const prompt = `${state.summary ? `Previous summary:\n${state.summary}\n\n` : ""}New turns:\n${transcript(out)}`;
  // On success the ledger is left to us: it is written with the summary, in one group-committed write.
  const summary = await recordedCall(deps, tenantId, agent, ledger, SUMMARY_SYSTEM, prompt, { keepLedger: true });
  const text = summary ? summary : null;
  const vector = text ? await deps.memory.embedding(text) : null;
  const write: SummaryWrite = { ledger: ledger.take() };
  if (text) write.summary = { conversationId, agentId: agent.id, userKey: scope.userKey, text, until: out.at(-1)!.createdAt, vector };
  if (write.summary || write.ledger.calls.length + write.ledger.audits.length) await db.batched(tenantId, deps.write, write);
  if (text && !vector) deps.memory.embedLater(tenantId);
  return !!text;
}

/** What the turn context needs before the model call (see memoryStateIn). */
/**
 * `few`: every memory recall could find when there are at most FEW_MEMORIES of them (null when
 * there are more): the prompt takes them all without ranking when they fit its budget. Facts come
 * before conversation summaries (a fact is the precise statement, a summary its context) and newer
 * before older (a fact the user corrected comes first).
 */
export type MemoryState = { summary: string; hasMemories: boolean; unsummarisedTokens: number; few: string[] | null };

/** Up to this many memories of a user are read with the turn's state: recall ranks at most this many candidates anyway. */
export const FEW_MEMORIES = 16;

/** Unsummarised turns read at most per turn: more than this many is due for compaction anyway. */
export const PENDING_ROWS = 1000;

/**
 * Before the model call: the conversation's summary, whether there are memories recall could find
 * (this conversation's own summary does not count: recall leaves it out, so a user with nothing
 * else costs no query embedding), and how many tokens of turns the summary does not cover yet (so
 * the compaction after the turn can tell, without reading the conversation again, that nothing
 * needs summarising; at most PENDING_ROWS newest rows are read, so the cost does not grow with a
 * conversation that was never summarised). One statement for all the turns a batch opens, run
 * inside the transaction that opens them (TurnContext.preload).
 */
export async function memoryStatesIn(tx: Tx, tenantId: string, scopes: PreloadScope[]): Promise<MemoryState[]> {
  if (!scopes.length) return [];
  const input = recordset(
    scopes.map((s, i) => ({ i, agent_id: s.agentId, conversation_id: s.conversationId, user_key: s.userKey })),
    "s",
    "i int, agent_id uuid, conversation_id uuid, user_key text",
  );
  const rows = await rowsOf<{ i: number; summary: string | null; few: string | null; pending: string | number | null; rows: string | number }>(
    tx,
    sql`select s.i, cm.summary,
          (select json_build_object('n', count(*), 'few', case when count(*) <= ${FEW_MEMORIES} then json_agg(content order by kind = 'summary', created_at desc) end)::text
            from (select content, kind, created_at from memories
            where tenant_id = ${tenantId}::uuid and agent_id = s.agent_id and user_key in (s.user_key, '')
              and (kind <> 'summary' or conversation_id is distinct from s.conversation_id)
            limit ${FEW_MEMORIES + 1}) m) as few,
          u.pending, u.rows
        from ${input}
        left join conversation_memory cm on cm.tenant_id = ${tenantId}::uuid and cm.conversation_id = s.conversation_id
        cross join lateral (
          select coalesce(sum(tokens), 0) as pending, count(*) as rows from (
            select tokens from messages where tenant_id = ${tenantId}::uuid and conversation_id = s.conversation_id
              -- CASE, not coalesce(): under RLS a qual holding coalesce() counts as leaky, so it was a
              -- filter over the whole conversation instead of the index range after the summary.
              and created_at > case when cm.summarized_until is null then '-infinity'::timestamptz else cm.summarized_until end
            order by created_at desc limit ${PENDING_ROWS}) x) u
        order by s.i`,
  );
  const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
  return scopes.map((_, i) => {
    const row = byIndex.get(i);
    const pending = Number(row?.rows ?? 0) >= PENDING_ROWS ? Number.MAX_SAFE_INTEGER : Number(row?.pending ?? 0);
    // More than FEW_MEMORIES: only the count comes back (recall ranks them), not contents read for nothing.
    const { n, few } = JSON.parse(row?.few ?? '{"n":0}') as { n: number; few?: string[] | null };
    return { summary: row?.summary ?? "", hasMemories: n > 0, unsummarisedTokens: pending, few: n <= FEW_MEMORIES ? (few ?? []) : null };
  });
}

/** memoryStatesIn for one turn. */
export async function memoryStateIn(tx: Tx, tenantId: string, scope: PreloadScope): Promise<MemoryState> {
  return (await memoryStatesIn(tx, tenantId, [scope]))[0]!;
}

/** The same, in a transaction of its own (a turn resumed after an approval was not preloaded). */
export function turnMemoryState(db: Database, scope: TurnScope): Promise<MemoryState> {
  return db.withTenant(scope.tenantId, (tx) => memoryStateIn(tx, scope.tenantId, { agentId: scope.agent.id, conversationId: scope.conversationId, userKey: scope.userKey }));
}
