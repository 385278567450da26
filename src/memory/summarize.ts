/**
 * One LLM call made on the agent's behalf outside a turn (compaction, fact extraction): through the
 * agent's own model chain (and its tenant's own providers), checked against and bounded by the
 * agent's budget, recorded in llm_calls/usage/audit like every other call. Over budget the call is
 * skipped (null) — logged once per agent and day, not per conversation: it is not an error.
 */
import type { Logger } from "pino";
import { budgetBound, headroom } from "../agent/budget.ts";
import type { Ledger } from "../agent/ledger.ts";
import { agentSpend, checkBudget } from "../agent/usage.ts";
import type { Database } from "../db/database.ts";
import type { Agent } from "../db/schema/index.ts";
import { LlmChainError } from "../llm/errors.ts";
import type { LlmPool } from "../llm/pool.ts";
import type { Attempt, LinkBound } from "../llm/types.ts";

export async function recordedCall(
  deps: { db: Database; pool: Pick<LlmPool, "chat">; log: Logger },
  tenantId: string,
  agent: Agent,
  ledger: Ledger,
  system: string,
  user: string,
  /** keepLedger: an answered call's ledger is left to the caller, to write with what it does with the answer. */
  opts: { keepLedger?: boolean } = {},
): Promise<string | null> {
  const caps = { daily: Number(agent.dailyBudgetUsd), monthly: Number(agent.monthlyBudgetUsd) };
  let bound: LinkBound | undefined;
  if (caps.daily > 0 || caps.monthly > 0) {
    const spend = await deps.db.withTenant(tenantId, (tx) => agentSpend(tx, agent.id));
    const verdict = checkBudget(caps, spend);
    if (!verdict.allowed) return skipped(deps.log, agent, verdict.reason!);
    bound = budgetBound(ledger.prices, headroom(caps, spend));
  }
  let answered = false;
  try {
    const request = { messages: [{ role: "system" as const, content: system }, { role: "user" as const, content: user }], temperature: 0 };
    const result = await deps.pool.chat(agent.models, request, { tenantId, bound });
    ledger.attempts(result.attempts, result);
    answered = true;
    return result.content.trim();
  } catch (e) {
    ledger.attempts((e as { attempts?: Attempt[] }).attempts ?? [], null);
    if (e instanceof LlmChainError && e.kind === "budget") return skipped(deps.log, agent, e.message);
    throw e;
  } finally {
    if (ledger.pending && !(answered && opts.keepLedger)) await deps.db.withTenant(tenantId, (tx) => ledger.write(tx));
  }
}

/** Agent id → the UTC day its skip was last logged (bounded: cleared when it grows large). */
const loggedSkips = new Map<string, string>();

function skipped(log: Logger, agent: Agent, reason: string): null {
  const day = new Date().toISOString().slice(0, 10);
  if (loggedSkips.get(agent.id) !== day) {
    if (loggedSkips.size >= 10_000) loggedSkips.clear();
    loggedSkips.set(agent.id, day);
    log.info({ agent: agent.slug, reason }, "memory upkeep (summary, fact extraction) skipped: over budget");
  }
  return null;
}

/** A transcript as the summariser reads it. */
export function transcript(turns: { role: string; content: string }[]): string {
  return turns.map((t) => `${t.role === "assistant" ? "Assistant" : "User"}: ${t.content}`).join("\n");
}
