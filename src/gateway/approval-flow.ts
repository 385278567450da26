/**
 * Approval gates inside the chat. A turn that pauses (loop.ts → "paused") is written down as an
 * approval row with its state, and the user gets the exact action with Approve / Deny buttons;
 * the turn goes on when someone decides (a button press arrives as an inbound event, or the admin
 * UI calls decide()), or when it expires: each approval has a job on the `approval` queue of the job
 * engine, due at its expiry (settle()); sweep() at start catches up on what ran out while the
 * appliance was down and gives approvals from before the job engine their job.
 *
 * Invariants:
 * - Only the requesting user or a tenant approver may decide; anyone else is told so and audited,
 *   and the approval stays pending.
 * - Exactly one decision wins (approvals/store.ts); a second click is acknowledged and changes
 *   nothing. The button message is edited to show the outcome.
 * - The tool's output is recorded on the approval before the turn goes on, so a crash after it ran
 *   resumes with that output instead of running the tool twice.
 * - Everything lives in the database: a pending approval survives restarts, and expiry is swept
 *   after a restart too. A turn resumed outside an inbound event (expiry, admin console) records
 *   where its next message goes (resume_seq); if the process dies before writing it, a later job of
 *   that approval (pg-boss retries an orphaned one; the console's decision queues a check) or the
 *   start-up sweep resumes it — the stored tool output means the tool itself never runs twice.
 * - An approval's job runs on one replica only (pg-boss claim, `stately` per approval), and the
 *   expiry itself is the conditional UPDATE of approvals/store.ts, so nothing expires twice.
 * - A background task's approval (its turn scope carries `taskId`) is decided here like any other,
 *   but continued by the task's executor (tasks/approval-wait.ts), never by resume() or the sweep.
 */
import { and, eq } from "drizzle-orm";
import type { Logger } from "pino";
import { audit } from "../agent/audit.ts";
import { Ledger } from "../agent/ledger.ts";
import { runTurn, type TurnDeps, type TurnOutcome, type TurnState } from "../agent/loop.ts";
import type { TurnScope } from "../agent/tools.ts";
import { agentsWithSpend, type PriceTable } from "../agent/usage.ts";
import { buttonId, type Decision, expireDue, findApproval, parseButtonId, pendingApprovals, recordResult, claimStranded, tenantIds, transition, withdrawApproval } from "../approvals/store.ts";
import type { Button, InboundMessage } from "../channels/types.ts";
import type { Database, Tx } from "../db/database.ts";
import { type Approval, approvals, outboundMessages } from "../db/schema/index.ts";
import { newId } from "../db/set-sql.ts";
import type { JobEngine } from "../jobs/engine.ts";
import type { ChatMessage } from "../llm/types.ts";
import type { FinalStatus, Inbox } from "./inbox.ts";
import { describeOutcome, type Outbox, type Prepared, prepareMany } from "./outbox.ts";
import type { Connection } from "./pipeline.ts";
import { REPLIES } from "./replies.ts";
import { COMPLETE_TURN } from "./turn-store.ts";

export interface ApprovalFlowDeps {
  db: Database;
  inbox: Inbox;
  outbox: Outbox;
  turn: TurnDeps;
  prices: PriceTable;
  log: Logger;
  ttlMs: number;
  /** Channel user ids that may decide any approval of the tenant (tenant admins). */
  approvers(tenantId: string): Promise<string[]>;
  connection(channelId: string): Connection | undefined;
  /** Told of every decision (event triggers: `approval.decided`); must not throw. */
  decided?(a: Approval): void;
  /** Where each approval's expiry job goes (the job engine; its queue is APPROVAL_QUEUE). */
  jobs: Pick<JobEngine, "send">;
}

/** The job engine's queue of approval jobs: settle() is its handler. */
export const APPROVAL_QUEUE = "approval";
export interface ApprovalJob {
  tenantId: string;
  approvalId: string;
}

/** A continuation outside an inbound event that has not written its message after this long died. */
const STRANDED_AFTER_S = 120;

/** What a paused turn needs to go on: the loop's state plus the window it started from. */
type StoredState = TurnState & { history: ChatMessage[] };
/** Where a turn's next message goes: the outbox key, and the inbound event to finish with it, if any. */
interface Target {
  eventId: string;
  seq: number;
  finish?: string;
}

export class ApprovalFlow {
  constructor(private readonly deps: ApprovalFlowDeps) {}

  /**
   * Records the paused turn and its approval prompt, then sends the prompt with its buttons; returns
   * the approval's id. `lead`: a line above the prompt (a background task says which one waits).
   */
  async pause(conn: Connection, target: Target, chat: { chatKey: string; replyTo?: string }, turn: { agentId: string; conversationId: string; history: ChatMessage[] }, ledger: Ledger, outcome: Extract<TurnOutcome, { kind: "paused" }>, requestedBy: string, lead?: string): Promise<string> {
    const id = newId();
    const { request } = outcome;
    const minutes = Math.round(this.deps.ttlMs / 60_000);
    const text = `${lead ? `${lead}\n\n` : ""}**Approval needed**${request.skill ? ` (skill ${request.skill})` : ""}\n\n${request.summary}\n\nOnly the person who asked or a workspace admin can decide. Expires in ${minutes >= 1 ? `${minutes} min` : `${Math.round(this.deps.ttlMs / 1000)} s`}.`;
    const state: StoredState = { ...outcome.state, history: turn.history };
    const expiresAt = new Date(Date.now() + this.deps.ttlMs);
    const prepared = await this.deps.db.withTenant(conn.tenantId, async (tx) => {
      await tx.insert(approvals).values({
        tenantId: conn.tenantId,
        id,
        agentId: turn.agentId,
        conversationId: turn.conversationId,
        channelId: conn.channelId,
        chatKey: chat.chatKey,
        replyTo: chat.replyTo ?? null,
        eventId: target.eventId,
        seq: target.seq,
        requestedBy,
        skill: request.skill,
        tool: request.tool,
        arguments: request.arguments,
        summary: request.summary,
        state,
        expiresAt,
      });
      ledger.note({ kind: "approval", summary: `approval requested: ${request.tool}`, actor: requestedBy, data: { approval: id, tool: request.tool, skill: request.skill } });
      await ledger.write(tx);
      const [p] = await prepareMany(tx, conn.tenantId, [{ channelId: conn.channelId, key: { inboundEventId: target.eventId, seq: target.seq }, message: { ...chat, text, buttons: buttons(id) } }]);
      return p!;
    });
    await this.deliver(conn, prepared, target.finish, "done");
    // After the prompt is out (the first job boots the engine); a crash before it: the start-up sweep queues it.
    await this.schedule(conn.tenantId, id, expiresAt);
    return id;
  }

  /**
   * Withdraws a task's approval nobody decided (its task was cancelled or is stopping): it can no
   * longer be decided, and the prompt says why. False when it had been decided meanwhile.
   */
  async withdraw(tenantId: string, id: string, verdict: string): Promise<boolean> {
    const row = await this.deps.db.withTenant(tenantId, (tx) => withdrawApproval(tx, id));
    if (row) await this.edit(row, verdict).catch((e) => this.deps.log.warn({ err: e, approval: id }, "could not edit the approval message"));
    return row !== null;
  }

  /** A button press from the chat (an inbound event). */
  async click(conn: Connection, eventId: string, message: InboundMessage, recovering: boolean): Promise<void> {
    const { db } = this.deps;
    const parsed = parseButtonId(message.action?.id ?? "");
    const actor = message.sender.id;
    const found = parsed && (await db.withTenant(conn.tenantId, (tx) => findApproval(tx, parsed.id)));
    if (!parsed || !found) return this.end(conn.tenantId, eventId, "ignored", "not an approval of this workspace");
    if (actor !== found.requestedBy && !(await this.deps.approvers(conn.tenantId)).includes(actor)) {
      await db.withTenant(conn.tenantId, (tx) => audit(tx, { tenantId: conn.tenantId, kind: "refusal", agentId: found.agentId, conversationId: found.conversationId, actor, summary: `approval ${found.tool}: ${actor} may not decide`, data: { approval: found.id } }));
      const text = `Only the person who asked, or a workspace admin, can decide this approval.`;
      const [p] = await db.withTenant(conn.tenantId, (tx) => prepareMany(tx, conn.tenantId, [{ channelId: conn.channelId, key: { inboundEventId: eventId, seq: 0 }, message: { chatKey: found.chatKey, replyTo: found.replyTo ?? undefined, text } }]));
      return void (await this.deliver(conn, p!, eventId, "ignored"));
    }
    const decided = await this.decideRow(conn.tenantId, found.id, parsed.decision, actor, message.sender.name);
    if (decided) return this.resume(decided, { eventId, seq: 0, finish: eventId });
    // Taken over after a crash mid-continuation: the decision is ours, the turn has to go on.
    if (recovering && found.decidedBy === actor && (found.status === "approved" || found.status === "denied")) return this.resume(found, { eventId, seq: 0, finish: eventId });
    this.deps.log.info({ approval: found.id, status: found.status, actor }, "approval already decided; click ignored");
    await this.end(conn.tenantId, eventId, "ignored", `approval already ${found.status}`);
  }

  /**
   * For the admin UI: decides as `actor` (an admin there, so no requester check) and continues the
   * turn. Returns the decided approval, or null when it was not pending any more.
   */
  async decide(tenantId: string, id: string, decision: Decision, actor: string): Promise<Approval | null> {
    const decided = await this.decideRow(tenantId, id, decision, actor, actor, true);
    if (!decided) return null;
    // Should this process die before the turn's next message is written, this job resumes it.
    await this.schedule(tenantId, id, new Date(Date.now() + (STRANDED_AFTER_S + 5) * 1000), "resume");
    await this.resume(decided, { eventId: decided.eventId, seq: decided.seq + 1 });
    return decided;
  }

  /**
   * The `approval` job: expires the approval if its time ran out, or resumes its turn if a dead
   * process left it after the decision (claimStranded); one that is still pending waits for a later
   * job. A resume that throws fails the job, and pg-boss retries it after STRANDED_AFTER_S.
   */
  async settle(tenantId: string, id: string): Promise<void> {
    const { db, log } = this.deps;
    for (const a of await db.withTenant(tenantId, (tx) => claimStranded(tx, STRANDED_AFTER_S, id))) {
      log.warn({ approval: a.id, status: a.status }, "resuming a turn left unfinished after its approval was decided");
      return this.resume(a, { eventId: a.eventId, seq: a.resumeSeq! });
    }
    const [expired] = await db.withTenant(tenantId, (tx) => this.expire(tx, tenantId, id));
    if (expired) {
      await this.edit(expired, "⏱ Expired — not done.").catch(() => {});
      return this.resume(expired, { eventId: expired.eventId, seq: expired.seq + 1 });
    }
    const found = await db.withTenant(tenantId, (tx) => findApproval(tx, id));
    if (found?.status === "pending") await this.schedule(tenantId, id, found.expiresAt);
  }

  /**
   * At start: expires what ran out of time, in every tenant, and lets each turn go on; resumes turns
   * a dead process left after deciding (see claimStranded()); and sends the expiry job of every
   * approval still pending (one per approval: approvals from before the job engine get theirs here).
   */
  async sweep(): Promise<number> {
    let n = 0;
    for (const t of await tenantIds(this.deps.db)) {
      for (const a of await this.deps.db.withTenant(t.id, (tx) => claimStranded(tx, STRANDED_AFTER_S))) {
        this.deps.log.warn({ approval: a.id, status: a.status }, "resuming a turn left unfinished after its approval was decided");
        await this.resume(a, { eventId: a.eventId, seq: a.resumeSeq! }).catch((e) => this.deps.log.error({ err: e, approval: a.id }, "stranded approval could not continue"));
      }
      const expired = await this.deps.db.withTenant(t.id, (tx) => this.expire(tx, t.id));
      for (const a of expired) {
        n++;
        await this.edit(a, "⏱ Expired — not done.").catch(() => {});
        await this.resume(a, { eventId: a.eventId, seq: a.seq + 1 }).catch((e) => this.deps.log.error({ err: e, approval: a.id }, "expired approval could not continue"));
      }
      for (const a of await this.deps.db.withTenant(t.id, pendingApprovals)) await this.schedule(a.tenantId, a.id, a.expiresAt);
    }
    return n;
  }

  /** Claims what ran out (all of the tenant's, or `id`) and audits each expiry. */
  private async expire(tx: Tx, tenantId: string, id?: string): Promise<Approval[]> {
    const rows = await expireDue(tx, id);
    for (const a of rows) await audit(tx, { tenantId, kind: "approval", agentId: a.agentId, conversationId: a.conversationId, summary: `approval expired: ${a.tool}`, data: inTask(a) });
    return rows;
  }

  /**
   * Queues the approval's job for `at` (one waiting job per approval and purpose: a second send is
   * refused by the queue). A failure is logged, not thrown: the next start's sweep queues it again.
   */
  private async schedule(tenantId: string, approvalId: string, at: Date, purpose: "expire" | "resume" = "expire"): Promise<void> {
    await this.deps.jobs
      .send<ApprovalJob>(APPROVAL_QUEUE, { tenantId, approvalId }, { singletonKey: `${purpose}:${approvalId}`, startAfter: at })
      .catch((e) => this.deps.log.error({ err: e, approval: approvalId }, "approval job could not be queued; it is queued again at the next start"));
  }

  /** The buttons of a recorded approval prompt, for re-sending it after a crash. */
  async buttonsFor(tx: Tx, eventId: string, seq: number): Promise<Button[] | undefined> {
    const [a] = await tx.select({ id: approvals.id, status: approvals.status }).from(approvals).where(and(eq(approvals.eventId, eventId), eq(approvals.seq, seq)));
    return a?.status === "pending" ? buttons(a.id) : undefined;
  }

  private async decideRow(tenantId: string, id: string, decision: Decision, actor: string, shown = actor, outside = false): Promise<Approval | null> {
    const row = await this.deps.db.withTenant(tenantId, async (tx) => {
      const r = await transition(tx, id, decision, actor, outside);
      if (r) await audit(tx, { tenantId, kind: "approval", agentId: r.agentId, conversationId: r.conversationId, actor, summary: `approval ${decision}: ${r.tool}`, data: inTask(r) });
      return r;
    });
    if (row) this.deps.decided?.(row);
    if (row) await this.edit(row, decision === "approved" ? `✅ Approved by ${shown}.` : `❌ Denied by ${shown} — not done.`).catch((e) => this.deps.log.warn({ err: e, approval: id }, "could not edit the approval message"));
    return row;
  }

  /** Runs the approved call (or tells the model why not) and continues the turn to its next message. */
  private async resume(a: Approval, target: Target): Promise<void> {
    // A background task's approval: its executor waits for the decision and goes on by itself.
    if (taskOf(a)) return this.end(a.tenantId, target.finish, "done", "decided a background task's approval");
    const conn = this.deps.connection(a.channelId);
    if (!conn) return this.deps.log.warn({ approval: a.id, channel: a.channelId }, "approval's connection is not running; the turn cannot continue here");
    const state = a.state as StoredState;
    const [found] = await this.deps.db.withTenant(a.tenantId, (tx) => agentsWithSpend(tx, a.tenantId, [a.agentId]));
    if (!found) return this.end(a.tenantId, target.finish, "ignored", "agent no longer exists");
    const turn: TurnScope | undefined = state.turn && { ...state.turn, approvedCallId: a.status === "approved" ? state.pending.id : undefined };
    const result = await answerFor(this.deps, a, turn);
    const ledger = new Ledger({ tenantId: a.tenantId, agentId: a.agentId, conversationId: a.conversationId }, this.deps.prices);
    const outcome = await runTurn(this.deps.turn, { tenantId: a.tenantId, agent: found.agent, conversationId: a.conversationId, history: state.history, spend: found.spend, ledger, resume: { state: { ...state, turn }, result } });
    const chat = { chatKey: a.chatKey, replyTo: a.replyTo ?? undefined };
    if (outcome.kind === "paused") return void (await this.pause(conn, target, chat, { agentId: a.agentId, conversationId: a.conversationId, history: state.history }, ledger, outcome, a.requestedBy));
    const text = outcome.kind === "reply" ? outcome.text || "…" : outcome.kind === "budget_stop" ? REPLIES.budgetStop(outcome.reason) : REPLIES.failed;
    const prepared = await this.deps.db.batched(a.tenantId, COMPLETE_TURN, { conversationId: a.conversationId, channelId: a.channelId, inboundEventId: target.eventId, seq: target.seq, reply: { ...chat, text }, ledger: ledger.take() });
    await this.deliver(conn, prepared, target.finish, outcome.kind === "failed" ? "failed" : "done");
  }

  /** Shows the outcome on the message with the buttons (and removes them) where the channel can edit. */
  private async edit(a: Approval, verdict: string): Promise<void> {
    const conn = this.deps.connection(a.channelId);
    if (!conn?.adapter.edit) return;
    const [sent] = await this.deps.db.withTenant(a.tenantId, (tx) =>
      tx.select({ externalId: outboundMessages.externalId }).from(outboundMessages).where(and(eq(outboundMessages.inboundEventId, a.eventId), eq(outboundMessages.seq, a.seq))),
    );
    if (sent?.externalId) await conn.adapter.edit(a.chatKey, sent.externalId, `${a.summary}\n\n${verdict}`);
  }

  private deliver(conn: Connection, prepared: Prepared, finish: string | undefined, status: FinalStatus) {
    return this.deps.outbox.deliver(conn.tenantId, prepared, conn.adapter, (outcome) => ({
      audit: { tenantId: conn.tenantId, kind: "outbound", agentId: conn.agentId, summary: describeOutcome(outcome), data: { chat: prepared.message.chatKey, externalId: outcome.status === "sent" ? outcome.externalId : null } },
      ...(finish ? { finish: { id: finish, status: outcome.status === "failed" ? "failed" : status, error: outcome.status === "failed" ? outcome.error : undefined } } : {}),
    }));
  }

  private async end(tenantId: string, eventId: string | undefined, status: FinalStatus, why: string): Promise<void> {
    if (eventId) await this.deps.db.withTenant(tenantId, (tx) => this.deps.inbox.finish(tx, eventId, status, why));
  }
}

/** The background task an approval belongs to (its paused turn's scope says), if any. */
export function taskOf(a: Pick<Approval, "state">): string | undefined {
  return (a.state as Partial<StoredState> | null)?.turn?.taskId;
}

/** An approval's audit data; a task's approval also names its task (the task's transcript lists it). */
function inTask(a: Approval): Record<string, string> {
  const task = taskOf(a);
  return task ? { approval: a.id, task } : { approval: a.id };
}

/**
 * What the model is told about a decided approval, recorded on the approval before the turn goes on:
 * the approved call's output (the call runs now, once — a recorded answer is reused), or why it was
 * not done. Chat turns and background tasks (src/tasks/) both continue with it.
 */
export async function answerFor(deps: { db: Database; turn: Pick<TurnDeps, "tools"> }, a: Approval, turn: TurnScope | undefined, signal?: AbortSignal): Promise<string> {
  if (a.result !== null) return a.result;
  let result: string;
  if (a.status === "approved") {
    const state = a.state as StoredState;
    const out = await deps.turn.tools.run(state.pending, { tenantId: a.tenantId, agentId: a.agentId, conversationId: a.conversationId, turn, signal });
    await deps.db.withTenant(a.tenantId, (tx) => audit(tx, { tenantId: a.tenantId, kind: "tool_call", agentId: a.agentId, conversationId: a.conversationId, actor: a.decidedBy ?? "", summary: `${a.tool} (approved)`, data: { approval: a.id, arguments: a.arguments, result: typeof out === "string" ? out.slice(0, 2000) : "paused", ...(turn?.taskId ? { task: turn.taskId } : {}) } }));
    result = typeof out === "string" ? out : "error: the action could not run";
  } else result = a.status === "denied" ? `The user denied this action (${a.tool}); it was NOT done. Do not retry it; tell the user.` : `Nobody approved this action (${a.tool}) in time; it was NOT done. Tell the user it expired.`;
  await deps.db.withTenant(a.tenantId, (tx) => recordResult(tx, a.id, result));
  return result;
}

function buttons(id: string): Button[] {
  return [
    { id: buttonId(id, "approve"), label: "Approve", style: "primary" },
    { id: buttonId(id, "deny"), label: "Deny", style: "danger" },
  ];
}
