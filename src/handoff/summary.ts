/**
 * The model-written summary in a handoff's notification: one call on the agent's own chain
 * (memory/summarize.ts recordedCall: the agent's budget checked and bounding it, usage and audit
 * recorded like every call), made by the notification job, never on the chat's reply path. It is
 * best effort: a failing model, a spent budget or no running gateway gives null and the notice
 * carries the last messages alone.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Logger } from "pino";
import { Ledger } from "../agent/ledger.ts";
import type { PriceTable } from "../agent/usage.ts";
import type { Database } from "../db/database.ts";
import { agents, type Handoff, messages } from "../db/schema/index.ts";
import type { LlmPool } from "../llm/pool.ts";
import { recordedCall, transcript } from "../memory/summarize.ts";

export const SUMMARY_SYSTEM =
  "A colleague is taking over this customer conversation from the AI assistant. In at most three short sentences, in the conversation's language, say what the user wants, what was already tried or answered, and what is still open. Plain text, no greeting.";
/** Newest turns read, and the summary's length in the notice: bound the call and the message. */
const SUMMARY_TURNS = 20;
export const SUMMARY_MAX = 600;

export type SummaryDeps = { db: Database; pool: () => Pick<LlmPool, "chat"> | null; prices: PriceTable; log: Logger };

export async function summarizeHandoff(deps: SummaryDeps, tenantId: string, h: Handoff): Promise<string | null> {
  const pool = deps.pool();
  if (!pool) return null;
  const [agent, turns] = await deps.db.withTenant(tenantId, async (tx) => [
    (await tx.select().from(agents).where(eq(agents.id, h.agentId)))[0],
    await tx.select({ role: messages.role, content: messages.content }).from(messages)
      .where(and(eq(messages.conversationId, h.conversationId), inArray(messages.role, ["user", "assistant"])))
      .orderBy(desc(messages.createdAt)).limit(SUMMARY_TURNS),
  ] as const);
  if (!agent || turns.length === 0 || agent.models.length === 0) return null;
  const ledger = new Ledger({ tenantId, agentId: agent.id, conversationId: h.conversationId }, deps.prices, { handoff: h.id, purpose: "handoff summary" });
  try {
    const text = await recordedCall({ db: deps.db, pool, log: deps.log }, tenantId, agent, ledger, SUMMARY_SYSTEM, `Reason for the handoff: ${h.reason}\n\n${transcript(turns.reverse())}`);
    const clean = text?.replace(/\s+/g, " ").trim();
    return clean ? (clean.length > SUMMARY_MAX ? `${clean.slice(0, SUMMARY_MAX - 1)}…` : clean) : null;
  } catch (e) {
    deps.log.warn({ err: e, handoff: h.id }, "handoff summary failed; the notice carries the last messages");
    return null;
  }
}
