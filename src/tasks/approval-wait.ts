/**
 * A background task that reaches a tool needing approval waits for the decision in its executor.
 * The task moves to `waiting_approval` (so /tasks says so), the prompt with Approve / Deny goes into
 * the task's chat through the same approval flow as a chat turn's (gateway/approval-flow.ts: who may
 * decide, one decision wins, expiry, the prompt edited with the outcome), led by "Task #N is waiting
 * for your approval". The executor polls the approval row meanwhile; its watcher keeps writing the
 * task's heartbeat, so the sweep does not take it for interrupted. The decision's answer — the
 * approved call's output (run here, under the task's abort signal) or why it was not done — is
 * recorded on the approval before the task goes on, like a chat turn's.
 *
 * A /cancel (or this process stopping) ends the wait at once and withdraws the undecided approval.
 * After a restart the task ends `failed: interrupted` like any other running task (README.md): the
 * wait is in memory only, and the sweep withdraws the approval.
 */
import type { Ledger } from "../agent/ledger.ts";
import type { TurnOutcome, TurnState } from "../agent/loop.ts";
import { findApproval } from "../approvals/store.ts";
import type { Database } from "../db/database.ts";
import type { Task } from "../db/schema/index.ts";
import { answerFor } from "../gateway/approval-flow.ts";
import type { ExecutorRuntime } from "./executor.ts";
import { markWaiting, taskSeq } from "./store.ts";

const POLL_MS = 400;
/** Outbox seqs of a task's approval prompts: taskSeq(n, 50…89), clear of send_message's and the result's. */
const FIRST_PROMPT = 50;
const MAX_APPROVALS = 40;

/** What the paused turn goes on with; null when the task was stopped while it waited. */
export async function awaitApproval(
  deps: { db: Database; rt: ExecutorRuntime },
  task: Task,
  asked: number,
  ledger: Ledger,
  outcome: Extract<TurnOutcome, { kind: "paused" }>,
  signal: AbortSignal,
): Promise<{ state: TurnState; result: string } | null> {
  const { db, rt } = deps;
  if (asked >= MAX_APPROVALS) throw new Error(`it asked for more than ${MAX_APPROVALS} approvals`);
  const conn = rt.connection(task.channelId!);
  if (!conn) throw new Error(`it needs an approval (${outcome.request.summary}) but its chat's connection is not running`);
  if (!(await db.withTenant(task.tenantId, (tx) => markWaiting(tx, task.id, true)))) return null;
  const goal = task.goal.length > 80 ? `${task.goal.slice(0, 79)}…` : task.goal;
  const id = await rt.approvals.pause(
    conn,
    { eventId: task.eventId!, seq: taskSeq(task.number, FIRST_PROMPT + asked) },
    { chatKey: task.chatKey!, replyTo: task.replyTo ?? undefined },
    { agentId: task.agentId, conversationId: task.conversationId!, history: [] },
    ledger,
    outcome,
    task.requestedBy,
    `**Task #${task.number} is waiting for your approval** — ${goal}`,
  );
  for (;;) {
    await sleep(POLL_MS, signal);
    if (signal.aborted) {
      await rt.approvals.withdraw(task.tenantId, id, `🚫 Not done — task #${task.number} was stopped.`).catch(() => false);
      return null;
    }
    const a = await db.withTenant(task.tenantId, (tx) => findApproval(tx, id));
    if (!a) throw new Error("its approval disappeared");
    if (a.status === "pending") continue;
    const { state } = outcome;
    const turn = state.turn && { ...state.turn, approvedCallId: a.status === "approved" ? state.pending.id : undefined };
    const result = await answerFor({ db, turn: rt.turn }, a, turn, signal);
    if (!(await db.withTenant(task.tenantId, (tx) => markWaiting(tx, task.id, false)))) return null;
    return { state: { ...state, turn }, result };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    const timer = setTimeout(() => (signal.removeEventListener("abort", wake), done()), ms);
    const wake = () => (clearTimeout(timer), done());
    signal.addEventListener("abort", wake, { once: true });
  });
}
