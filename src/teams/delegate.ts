/**
 * The coordinator's `delegate` tool and the pre-route. Delegating runs the specialist's own turn —
 * the agent loop itself (agent/loop.ts runTurn), with the specialist's persona, skills, knowledge
 * and budget, its usage on its own ledger — and hands its answer back to the coordinator, which
 * answers the user. Limits: a specialist's turn runs at depth 1 and is offered no `delegate` (a call
 * anyway is refused), and one coordinator turn delegates at most the team's `max_fanout` times.
 * Every inter-agent message (the task, the answer) and every refusal is in the audit trail.
 */
import { randomUUID } from "node:crypto";
import { audit, type AuditEntry } from "../agent/audit.ts";
import { Ledger, ledgerParts } from "../agent/ledger.ts";
import { runTurn, type TurnDeps } from "../agent/loop.ts";
import type { ToolContext, Tools } from "../agent/tools.ts";
import { agentSpend, type PriceTable } from "../agent/usage.ts";
import type { Database } from "../db/database.ts";
import { rowsOf, statement } from "../db/set-sql.ts";
import type { ChatMessage, ToolCall, ToolSpec } from "../llm/types.ts";
import type { TeamDirectory } from "./directory.ts";
import type { Router } from "./router.ts";
import type { LoadedTeam, Specialist } from "./store.ts";

export const DELEGATE = "delegate";
const MAX_TASK = 4000;
const MAX_ANSWER = 8000;

export interface TeamDeps {
  db: Database;
  directory: TeamDirectory;
  router: Router | null;
  prices: PriceTable;
  /** The gateway's turn machinery (set once it runs): the same loop every turn uses. */
  turn: () => TurnDeps | null;
}

function spec(t: LoadedTeam): ToolSpec {
  const list = t.specialists.map((s) => `- ${s.agent.slug} (${s.agent.name}): ${s.description}`).join("\n");
  return {
    name: DELEGATE,
    description:
      `Ask a specialist of your team (${t.team.name}) to handle a request. You get their answer back; then answer the user yourself. ` +
      `Write the task so it stands alone (the specialist does not see this conversation). Specialists:\n${list}`,
    parameters: {
      type: "object",
      properties: {
        specialist: { type: "string", enum: t.specialists.map((s) => s.agent.slug), description: "Who should handle it" },
        task: { type: "string", minLength: 1, maxLength: MAX_TASK, description: "The request, self-contained" },
      },
      required: ["specialist", "task"],
      additionalProperties: false,
    },
  };
}

export function createTeams(deps: TeamDeps) {
  const refuse = async (ctx: ToolContext, reason: string, data: Record<string, unknown>) => {
    await deps.db.withTenant(ctx.tenantId, (tx) => audit(tx, { tenantId: ctx.tenantId, kind: "refusal", agentId: ctx.agentId, conversationId: ctx.conversationId, actor: ctx.turn?.requestedBy ?? "", summary: `delegate refused: ${reason}`, data: { tool: DELEGATE, reason, ...data } }));
    return `error: ${reason}`;
  };

  /** Runs `s`'s turn on `task` and returns what the coordinator's model reads. */
  async function delegate(ctx: ToolContext, t: LoadedTeam, s: Specialist, task: string, how: Record<string, unknown>): Promise<string> {
    if ((ctx.depth ?? 0) > 0) return refuse(ctx, "a specialist cannot delegate further", { specialist: s.agent.slug });
    const count = (ctx.delegations ??= { count: 0 });
    if (count.count >= t.team.maxFanout) return refuse(ctx, `at most ${t.team.maxFanout} delegations per turn; answer with what you have`, { specialist: s.agent.slug });
    const turnDeps = deps.turn();
    if (!turnDeps) return "error: the appliance is not running turns yet";
    count.count++;
    const { tenantId, conversationId } = ctx;
    const base = { tenantId, conversationId, actor: ctx.turn?.requestedBy ?? "" };
    const link = { team: t.team.slug, teamId: t.team.id, from: t.coordinator.slug, to: s.agent.slug, ...how };
    const asked: AuditEntry = { ...base, kind: "team.delegate", agentId: t.coordinator.id, summary: `${t.coordinator.slug} → ${s.agent.slug}`, data: { ...link, direction: "task", text: task } };
    const spend = await deps.db.withTenant(tenantId, async (tx) => (await audit(tx, asked), agentSpend(tx, s.agent.id)));
    const ledger = new Ledger({ tenantId, agentId: s.agent.id, conversationId }, deps.prices, { team: t.team.slug, delegatedBy: t.coordinator.slug });
    // Its own outbox sequence range, so a send_message of the specialist never collides with the coordinator's.
    const turn = ctx.turn ? { ...ctx.turn, enabledSkills: s.agent.enabledSkills, activeSkills: [], nextSeq: ctx.turn.nextSeq + 1000 * count.count, approvedCallId: undefined } : undefined;
    const history: ChatMessage[] = [{ role: "user", content: task }];
    const out = await runTurn(turnDeps, { tenantId, agent: s.agent, conversationId, history, spend, ledger, userKey: ctx.userKey, signal: ctx.signal, turn, depth: 1 });
    const answer =
      out.kind === "reply" ? out.text.slice(0, MAX_ANSWER) || "(no answer)"
      : out.kind === "budget_stop" ? `(${s.agent.name} could not answer: over its budget — ${out.reason})`
      : out.kind === "paused" ? `(${s.agent.name} needs an approval for ${out.request.tool}, which a delegated turn cannot ask for; handle it yourself or tell the user)`
      : `(${s.agent.name} could not answer: ${out.error})`;
    const answered: AuditEntry = { ...base, kind: "team.delegate", agentId: s.agent.id, summary: `${s.agent.slug} → ${t.coordinator.slug}`, data: { ...link, from: s.agent.slug, to: t.coordinator.slug, direction: "answer", outcome: out.kind, text: answer } };
    const rows = ledger.take();
    await deps.db.withTenant(tenantId, (tx) => rowsOf(tx, statement(ledgerParts({ ...rows, audits: [...rows.audits, answered] }))));
    return `${s.agent.name} (${s.agent.slug}) answered:\n${answer}`;
  }

  const tools: Tools = {
    async specs(ctx) {
      if (!ctx || (ctx.depth ?? 0) > 0) return [];
      const t = await deps.directory.teamOf(ctx.tenantId, ctx.agentId);
      return t?.specialists.length ? [spec(t)] : [];
    },
    async run(call: ToolCall, ctx: ToolContext) {
      if ((ctx.depth ?? 0) > 0) return refuse(ctx, "a specialist cannot delegate further", { arguments: call.arguments });
      const t = await deps.directory.teamOf(ctx.tenantId, ctx.agentId);
      if (!t) return refuse(ctx, "this AI employee coordinates no team", {});
      const s = t.specialists.find((x) => x.agent.slug === call.arguments.specialist);
      if (!s) return `error: no specialist '${String(call.arguments.specialist).slice(0, 64)}'; choose one of ${t.specialists.map((x) => x.agent.slug).join(", ")}`;
      const task = String(call.arguments.task ?? "").trim().slice(0, MAX_TASK);
      if (!task) return "error: task is empty";
      return delegate(ctx, t, s, task, { routed: "model" });
    },
  };

  /** TurnDeps.preroute: a clear case goes to its specialist before the coordinator's model is asked. */
  async function preroute(ctx: ToolContext, agent: { id: string }, history: ChatMessage[]) {
    if (!deps.router || (ctx.depth ?? 0) > 0) return null;
    const last = history.at(-1);
    if (last?.role !== "user" || !last.content.trim()) return null;
    const t = await deps.directory.teamOf(ctx.tenantId, agent.id);
    if (!t?.specialists.length) return null;
    const d = await deps.router.route(last.content, t.specialists.map((s) => ({ agentId: s.agent.id, description: s.description })));
    const s = d && t.specialists.find((x) => x.agent.id === d.agentId);
    if (!s) return null;
    const task = last.content.slice(0, MAX_TASK);
    const call: ToolCall = { id: `preroute_${randomUUID().slice(0, 8)}`, name: DELEGATE, arguments: { specialist: s.agent.slug, task } };
    return { call, result: await delegate(ctx, t, s, task, { routed: "pre-route", score: Number(d.score.toFixed(3)), margin: Number(d.margin.toFixed(3)) }) };
  }

  return { tools, preroute, directory: deps.directory };
}
export type Teams = ReturnType<typeof createTeams>;
