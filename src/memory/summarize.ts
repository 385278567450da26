/**
 * One LLM call made on the agent's behalf outside a turn (compaction, fact extraction): through the
 * agent's own model chain, recorded in llm_calls/usage/audit like every other call.
 */
import type { Ledger } from "../agent/ledger.ts";
import type { Database } from "../db/database.ts";
import type { Agent } from "../db/schema/index.ts";
import type { LlmPool } from "../llm/pool.ts";
import type { Attempt } from "../llm/types.ts";

export async function recordedCall(
  deps: { db: Database; pool: Pick<LlmPool, "chat"> },
  tenantId: string,
  agent: Agent,
  ledger: Ledger,
  system: string,
  user: string,
): Promise<string> {
  try {
    const result = await deps.pool.chat(agent.models, { messages: [{ role: "system", content: system }, { role: "user", content: user }], temperature: 0 });
    ledger.attempts(result.attempts, result);
    return result.content.trim();
  } catch (e) {
    ledger.attempts((e as { attempts?: Attempt[] }).attempts ?? [], null);
    throw e;
  } finally {
    if (ledger.pending) await deps.db.withTenant(tenantId, (tx) => ledger.write(tx));
  }
}

/** A transcript as the summariser reads it. */
export function transcript(turns: { role: string; content: string }[]): string {
  return turns.map((t) => `${t.role === "assistant" ? "Assistant" : "User"}: ${t.content}`).join("\n");
}
