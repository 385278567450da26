/**
 * The Agent Designer's preview: one message to the agent as the form describes it (unsaved), run by
 * the gateway's own turn (runTurn: persona prompt, memory recall for the admin as the user, the
 * skill list, the LLM pool, the budget caps) with none of a conversation's writes — no conversation,
 * inbox, outbox or journal row. Its model calls are recorded like any turn's (llm_calls and
 * usage_daily, conversation_id null, so they spend the agent's budget) and audited with
 * `data.preview = true` and the admin's user id (`data.previewBy`). Only read-only tools (PREVIEW_TOOLS) are offered and run; any other call
 * gets an error result. The budget caps are the stored agent's: an unsaved cap does not loosen them.
 */
import type { Database, Tx } from "../../db/database.ts";
import { rowsOf, statement } from "../../db/set-sql.ts";
import type { Agent } from "../../db/schema/index.ts";
import type { ChatMessage } from "../../llm/types.ts";
import { Ledger, ledgerParts, type LedgerRows } from "../../agent/ledger.ts";
import { runTurn, type TurnDeps } from "../../agent/loop.ts";
import type { Tools } from "../../agent/tools.ts";
import { agentSpend, type PriceTable } from "../../agent/usage.ts";
import { type AgentForm, formColumns } from "./save.ts";

/** Tools without side effects: the only ones a preview offers the model. */
export const PREVIEW_TOOLS = new Set(["kb_search"]);

// The run's shape is the panel's view model (views never import src/admin).
export type { PreviewRunView as PreviewRun } from "../../../views/admin/agent-preview.tsx";
import type { PreviewRunView as PreviewRun } from "../../../views/admin/agent-preview.tsx";

/** The stored agent with the form's unsaved values (budgets stay the stored ones). */
export function previewAgent(stored: Agent, f: AgentForm): Agent {
  return {
    ...stored,
    name: f.name,
    role: f.role,
    persona: f.persona,
    instructions: f.instructions,
    models: f.models,
    contextTokens: f.context_tokens,
    maxToolIterations: f.max_tool_iterations,
    enabledSkills: f.skills.length ? f.skills : null,
    escalationRules: f.escalation_rules,
    scope: f.scope,
  };
}

/**
 * A never-saved agent (the new-agent form) as a preview runs it. Its usage is recorded under this id,
 * which no agent has: the preview bucket of unsaved AI employees (llm_calls has no foreign key on it).
 */
export const UNSAVED_AGENT_ID = "00000000-0000-0000-0000-000000000000";

export function unsavedAgent(tenantId: string, f: AgentForm): Agent {
  const now = new Date();
  const base: Agent = {
    tenantId,
    id: UNSAVED_AGENT_ID,
    ...formColumns(f),
    enabledSkills: null,
    escalation: { rules: f.escalation, topics: [] },
    knowledgeDocuments: null,
    executorModels: [],
    taskBudgetUsd: "0",
    taskMaxSteps: 0,
    heartbeat: null,
    heartbeatNextAt: null,
    heartbeatLastAt: null,
    source: "ui",
    createdAt: now,
    updatedAt: now,
  };
  return previewAgent(base, f);
}

function readOnly(tools: Tools): Tools {
  return {
    specs: async (ctx) => (await tools.specs(ctx)).filter((s) => PREVIEW_TOOLS.has(s.name)),
    run: async (call, ctx) => (PREVIEW_TOOLS.has(call.name) ? tools.run(call, ctx) : `error: ${call.name} may have side effects and does not run in a preview`),
    prompt: tools.prompt ? (ctx) => tools.prompt!(ctx) : undefined,
  };
}

/** Keeps a copy of everything written, so the panel can show the turn's usage. */
class KeptLedger extends Ledger {
  readonly kept: LedgerRows = { calls: [], audits: [], reservations: [] };
  override take(): LedgerRows {
    const rows = super.take();
    this.kept.calls.push(...rows.calls);
    this.kept.audits.push(...rows.audits);
    return rows;
  }

  /** An unsaved agent has no usage_daily row to roll up into (its key names an agent): llm_calls and the audit only. */
  override async write(tx: Tx): Promise<void> {
    if (this.scope.agentId !== UNSAVED_AGENT_ID) return super.write(tx);
    if (this.pending) await rowsOf(tx, statement(ledgerParts(this.take()).filter((p) => p?.[0] !== "usage_daily_in")));
  }
}

export interface PreviewInput {
  tenantId: string;
  agent: Agent;
  chain: string[];
  /** Earlier exchanges kept in the page, oldest first. */
  history: ChatMessage[];
  message: string;
  /** The admin asking (their user id: the web chat's sender id, so recall finds what they told it there). */
  userKey: string;
}

export async function runPreview(turn: TurnDeps, db: Database, prices: PriceTable, p: PreviewInput): Promise<PreviewRun> {
  const agent = { ...p.agent, models: p.chain };
  const ledger = new KeptLedger({ tenantId: p.tenantId, agentId: agent.id, conversationId: null }, prices, { preview: true, previewBy: p.userKey });
  const spend = await db.withTenant(p.tenantId, (tx) => agentSpend(tx, agent.id));
  let system = "";
  const t0 = performance.now();
  const outcome = await runTurn(
    // No team pre-route: a preview never hands the message to someone else.
    { ...turn, tools: readOnly(turn.tools), preroute: undefined },
    {
      tenantId: p.tenantId,
      agent,
      // Never written: the id only names the turn for recall (which excludes nothing then).
      conversationId: crypto.randomUUID(),
      history: [...p.history, { role: "user", content: p.message }],
      spend,
      ledger,
      userKey: p.userKey,
      turn: { channelId: "", chatKey: "", eventId: "", requestedBy: p.userKey, enabledSkills: agent.enabledSkills, activeSkills: [], nextSeq: 0 },
      onSystemPrompt: (s) => (system = s),
    },
  );
  const latencyMs = performance.now() - t0;
  await db.withTenant(p.tenantId, (tx) => ledger.write(tx));
  const calls = ledger.kept.calls;
  const won = calls.findLast((c) => c.ok);
  return {
    chain: p.chain,
    kind: outcome.kind,
    text: outcome.kind === "reply" ? outcome.text : outcome.kind === "budget_stop" ? outcome.reason : outcome.kind === "failed" ? outcome.error : `${outcome.request.tool} would need approval`,
    answeredBy: won ? `${won.provider}/${won.model}` : null,
    promptTokens: calls.reduce((n, c) => n + c.promptTokens, 0),
    completionTokens: calls.reduce((n, c) => n + c.completionTokens, 0),
    costUsd: calls.reduce((n, c) => n + c.costUsd, 0),
    latencyMs,
    system,
    tools: ledger.kept.audits.filter((a) => a.kind === "tool_call").map((a) => ({ name: a.summary, result: String(a.data?.result ?? "") })),
  };
}
