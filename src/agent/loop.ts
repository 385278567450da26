/**
 * One agent turn: budget check → model (with its fallback chain) ↔ tools, at most
 * max_tool_iterations round trips → the reply text. The caller loads the window and the spend so
 * far (one transaction with the user's turn) and writes the ledger with the reply.
 *
 * Budgets are a hard stop: no call is made once a cap is reached, and each call of an agent with a
 * cap first reserves the most it can cost, cluster-wide (reservations.ts), and is bounded by that at
 * its model's price (budget.ts): concurrent turns — on any replica — cannot spend the same headroom.
 *
 * With a journal (agent/journal.ts) a turn resumed after a crash replays the model responses and
 * tool results an earlier run recorded instead of calling the model (and paying) again.
 *
 * `preroute` (src/teams/) may do a tool call's work before the first model call; the model then sees
 * it as its own call and result, so a team's coordinator routes a clear case without a routing call.
 */
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import type { Agent } from "../db/schema/index.ts";
import { LlmChainError } from "../llm/errors.ts";
import type { LlmPool } from "../llm/pool.ts";
import type { Attempt, ChatMessage, ChatResult, ImageInput, ToolCall } from "../llm/types.ts";
import type { TurnJournal } from "./journal.ts";
import type { Ledger } from "./ledger.ts";
import { systemPrompt } from "./prompt.ts";
import { isPause, type ToolContext, type ToolPause, type Tools, type TurnScope } from "./tools.ts";
import type { TurnContext } from "./turn-context.ts";
import { estimateTokens, messageTokens } from "./tokens.ts";
import { budgetBound, callCeiling, headroom } from "./budget.ts";
import { reserve } from "./reservations.ts";
import { checkBudget, type Spend } from "./usage.ts";

export interface TurnDeps {
  db: Database;
  pool: Pick<LlmPool, "chat">;
  tools: Tools;
  log: Logger;
  /** Memory and knowledge around the call (agent/turn-context.ts); none = the persona prompt alone. */
  context?: TurnContext;
  /**
   * Work done before the first model call and shown to the model as its own tool call and result
   * (src/teams/: the embedding pre-route hands a clear case to a specialist without a routing call).
   */
  preroute?(ctx: ToolContext, agent: Agent, history: ChatMessage[]): Promise<{ call: ToolCall; result: string } | null>;
}

export interface TurnInput {
  tenantId: string;
  agent: Agent;
  conversationId: string;
  /** The conversation window, oldest first, ending with the user's message. */
  history: ChatMessage[];
  spend: Spend;
  ledger: Ledger;
  /** The end user this turn answers (channel sender id). */
  userKey?: string;
  /** What the turn context read when the turn was opened (TurnContext.preload). */
  preloaded?: unknown;
  signal?: AbortSignal;
  turn?: TurnScope;
  /** Records model responses and tool results as the turn goes; replays them when resuming one. */
  journal?: TurnJournal;
  /** Images sent with the user's message (vision links only, see llm/chain.ts): they ride on its last turn. */
  images?: ImageInput[];
  /** Continues a turn that paused for approval: `result` answers its pending call. */
  resume?: { state: TurnState; result: string };
  /** 1 when a team's coordinator delegated this turn to a specialist (who may not delegate further). */
  depth?: number;
  /** Sees the system prompt as sent (persona, recalled memory, skills): the Designer's preview shows it. */
  onSystemPrompt?(text: string): void;
}

/** A paused turn, as stored with its approval: enough to go on after a decision or a restart. */
export interface TurnState {
  scratch: ChatMessage[];
  round: number;
  pending: ToolCall;
  remaining: ToolCall[];
  turn?: TurnScope;
}

export type TurnOutcome =
  | { kind: "reply"; text: string }
  | { kind: "budget_stop"; reason: string }
  | { kind: "failed"; error: string }
  | { kind: "paused"; request: ToolPause["pause"]; state: TurnState };

export async function runTurn(deps: TurnDeps, input: TurnInput): Promise<TurnOutcome> {
  const { agent, ledger } = input;
  if (agent.models.length === 0) return { kind: "failed", error: "this AI employee has no model configured" };
  const caps = { daily: Number(agent.dailyBudgetUsd), monthly: Number(agent.monthlyBudgetUsd) };
  const scratch: ChatMessage[] = [...(input.resume?.state.scratch ?? [])];
  const turn = input.resume?.state.turn ?? input.turn;
  const userKey = input.userKey ?? turn?.requestedBy ?? "";
  const ctx: ToolContext = { tenantId: input.tenantId, agentId: agent.id, conversationId: input.conversationId, userKey, signal: input.signal, turn, depth: input.depth ?? 0, delegations: { count: 0 } };
  // Memory and knowledge (context) and the skill catalogue (tools) each add to the persona prompt.
  const scope = { tenantId: input.tenantId, agent, conversationId: input.conversationId, userKey };
  const recalled = deps.context ? await deps.context.prompt(scope, input.history, input.preloaded).catch((e) => (deps.log.warn({ err: e }, "turn context failed"), "")) : "";
  const skills = (await deps.tools.prompt?.(ctx)) ?? "";
  const system: ChatMessage = { role: "system", content: [systemPrompt(agent), recalled, skills].filter(Boolean).join("\n\n") };
  input.onSystemPrompt?.(system.content);
  input = { ...input, history: withinWindow(withImages(input.history, input.images), agent.contextTokens - estimateTokens(system.content)) };

  /** Runs calls in order; a call that needs approval stops the turn with what is left. */
  const runCalls = async (calls: ToolCall[], round: number): Promise<TurnOutcome | null> => {
    const replayed = input.journal?.recorded(round)?.results;
    if (replayed?.length === calls.length) {
      // Ran before the crash and recorded (with its audit entries): not run again.
      calls.forEach((tc, i) => scratch.push({ role: "tool", content: replayed[i]!, toolCallId: tc.id }));
      return null;
    }
    const outputs: string[] = [];
    for (const [i, tc] of calls.entries()) {
      const output = await deps.tools.run(tc, ctx);
      if (isPause(output)) {
        ledger.note({ kind: "tool_call", summary: `${tc.name} awaits approval`, data: { arguments: tc.arguments } });
        return { kind: "paused", request: output.pause, state: { scratch, round, pending: tc, remaining: calls.slice(i + 1), turn: ctx.turn } };
      }
      scratch.push({ role: "tool", content: output, toolCallId: tc.id });
      outputs.push(output);
      ledger.note({ kind: "tool_call", summary: tc.name, data: { arguments: tc.arguments, result: output.slice(0, 2000) } });
    }
    input.journal?.results(round, outputs);
    return null;
  };

  let first = 0;
  // Not on a resumed turn, nor on a recovered one whose first model round is on record (its replay goes on from there).
  const skipRoute = !!input.resume || !deps.preroute || !!input.journal?.recorded(0);
  const routed = skipRoute ? null : await deps.preroute!(ctx, agent, input.history).catch((e) => (deps.log.warn({ err: e }, "pre-route failed"), null));
  if (routed) {
    scratch.push({ role: "assistant", content: "", toolCalls: [routed.call] }, { role: "tool", content: routed.result, toolCallId: routed.call.id });
    ledger.note({ kind: "tool_call", summary: routed.call.name, data: { arguments: routed.call.arguments, result: routed.result.slice(0, 2000), preRouted: true } });
  }
  if (input.resume) {
    const { state, result } = input.resume;
    scratch.push({ role: "tool", content: result, toolCallId: state.pending.id });
    const stopped = await runCalls(state.remaining, state.round);
    if (stopped) return stopped;
    first = state.round + 1;
  }

  for (let round = first; ; round++) {
    // The last round offers no tools, so the model has to answer in words.
    const offered = round < agent.maxToolIterations ? await deps.tools.specs(ctx) : [];
    const call = async (): Promise<{ stop?: string; result?: ChatResult & { attempts: Attempt[] } }> => {
      const spent = { today: input.spend.today + ledger.spent, month: input.spend.month + ledger.spent };
      const verdict = checkBudget(caps, spent);
      if (!verdict.allowed) return { stop: verdict.reason! };
      const request = { messages: [system, ...input.history, ...scratch], tools: offered.length ? offered : undefined };
      let room = headroom(caps, spent);
      if (room) {
        // Decided on recorded usage and every replica's reservations, not on the figure read at the turn's start.
        const want = callCeiling(ledger.prices, agent.models, request);
        const r = await reserve(deps.db, { tenantId: input.tenantId, agentId: agent.id, caps, own: ledger.unrecorded, mine: ledger.held, want, signal: input.signal });
        if ("stop" in r) return { stop: r.stop };
        if (r.id) ledger.reserved(r.id);
        room = r.room;
      }
      return { result: await deps.pool.chat(agent.models, request, { signal: input.signal, tenantId: input.tenantId, bound: budgetBound(ledger.prices, room) }) };
    };
    const recorded = input.resume ? undefined : input.journal?.recorded(round);
    if (recorded && offered.length) {
      // Answered before the crash, and paid for: its usage is on record, the model is not asked again.
      scratch.push({ role: "assistant", content: recorded.content, toolCalls: recorded.toolCalls });
      const stopped = await runCalls(recorded.toolCalls, round);
      if (stopped) return stopped;
      continue;
    }
    let step: { stop?: string; result?: ChatResult & { attempts: Attempt[] } };
    try {
      step = await call();
      if (step.result) ledger.attempts(step.result.attempts, step.result);
    } catch (e) {
      ledger.attempts((e as { attempts?: Attempt[] }).attempts ?? [], null);
      if (input.signal?.aborted) return { kind: "failed", error: "cancelled" };
      if (e instanceof LlmChainError && e.kind === "budget") step = { stop: e.message };
      else {
        deps.log.warn({ err: e, agent: agent.slug }, "model chain failed");
        return { kind: "failed", error: (e as Error).message };
      }
    }
    if (step.stop) {
      ledger.note({ kind: "budget_stop", summary: step.stop });
      return { kind: "budget_stop", reason: step.stop };
    }
    const result = step.result!;
    if (result.toolCalls.length === 0 || offered.length === 0) return { kind: "reply", text: result.content.trim() };

    // Tools may have side effects: what led to them is on record before they run — the call's usage,
    // and in the journal the response itself (so a crash from here on does not ask the model again).
    input.journal?.add({ round, content: result.content, toolCalls: result.toolCalls });
    await deps.db.withTenant(input.tenantId, async (tx) => {
      await ledger.write(tx);
      await input.journal?.write(tx);
    });
    scratch.push({ role: "assistant", content: result.content, toolCalls: result.toolCalls });
    const stopped = await runCalls(result.toolCalls, round);
    if (stopped) return stopped;
  }
}

/** The newest turns that fit `budget` once the context has grown the system prompt (the user's turn always stays). */
function withinWindow(history: ChatMessage[], budget: number): ChatMessage[] {
  let used = 0;
  let start = history.length;
  while (start > 0 && (start === history.length || used + messageTokens(history[start - 1]!) <= budget)) used += messageTokens(history[--start]!);
  return start === 0 ? history : history.slice(start);
}

/** The images go on the user's message that carried them: the window's last turn. */
function withImages(history: ChatMessage[], images: ImageInput[] | undefined): ChatMessage[] {
  const last = history.at(-1);
  if (!images?.length || last?.role !== "user") return history;
  return [...history.slice(0, -1), { ...last, images }];
}

/** Runs functions one at a time per key. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => {}).then(fn);
    const tail = current.catch(() => {});
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
