/**
 * The executor: the job handler of the `task` queue. It claims a queued task (within the tenant's
 * and agent's limits, else the task stays queued and its job comes back in a moment), runs it as
 * its own agent loop (agent/loop.ts) with the agent's executor model chain, task step limit and
 * task budget, through the same tool registry (skills, approvals, SSRF guard) and the same ledger
 * (its spend counts toward the agent's budgets), then finishes it and reports to the chat.
 *
 * Cancel: a cancelled row is seen by the task's watcher within WATCH_MS on any replica (and at once
 * in the process that ran /cancel), which aborts the model call and tool calls in flight — or the
 * wait for an approval (approval-wait.ts), during which the watcher keeps the heartbeat going.
 */
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import { Ledger } from "../agent/ledger.ts";
import { runTurn, type TurnDeps, type TurnInput, type TurnOutcome } from "../agent/loop.ts";
import { agentSpend, type PriceTable } from "../agent/usage.ts";
import type { Database } from "../db/database.ts";
import { agents, type Task } from "../db/schema/index.ts";
import type { ApprovalFlow } from "../gateway/approval-flow.ts";
import type { Outbox } from "../gateway/outbox.ts";
import type { Connection } from "../gateway/pipeline.ts";
import type { JobEngine } from "../jobs/engine.ts";
import { awaitApproval } from "./approval-wait.ts";
import { deliverResult, prepareResult } from "./report.ts";
import { beat, claimTask, finishTask, taskSeq, taskStatus } from "./store.ts";

export const TASK_QUEUE = "task";
const WATCH_MS = 400;
const BEAT_EVERY = 10; // watches: the heartbeat is written every ~4 s
const BUSY_RETRY_S = 2;

export interface TaskJob {
  tenantId: string;
  taskId: string;
}

/** What the executor borrows from the running gateway. */
export interface ExecutorRuntime {
  turn: TurnDeps;
  outbox: Outbox;
  /** Asks for an approval in the task's chat and withdraws it when the task stops (approval-wait.ts). */
  approvals: Pick<ApprovalFlow, "pause" | "withdraw">;
  connection(channelId: string): Connection | undefined;
}

export interface ExecutorDeps {
  db: Database;
  engine: JobEngine;
  log: Logger;
  prices: PriceTable;
  limits: { perTenant: number; perAgent: number };
  /** This process's instance id (tasks.worker). */
  worker: string;
  runtime(): ExecutorRuntime | null;
  /** Told of every task that ended done or failed (event triggers: `task.finished`); must not throw. */
  finished?(task: Task): void;
}

export class TaskExecutor {
  /** Running tasks of this process by id, so a local /cancel aborts without waiting for the watcher. */
  readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: ExecutorDeps) {}

  /** Stops this process's tasks (shutdown); see README.md for what becomes of them. */
  abortAll(): void {
    for (const c of this.running.values()) c.abort();
  }

  enqueue = async (tenantId: string, taskId: string): Promise<void> => {
    await this.deps.engine.send(TASK_QUEUE, { tenantId, taskId } satisfies TaskJob);
  };

  /** Many tasks of one tenant onto the queue in one call (a burst of scheduled runs). */
  enqueueMany = async (tenantId: string, taskIds: string[]): Promise<void> => {
    await this.deps.engine.sendMany(TASK_QUEUE, taskIds.map((taskId) => ({ tenantId, taskId }) satisfies TaskJob));
  };

  /** The queue's handler. */
  execute = async (job: TaskJob): Promise<void | "deferred"> => {
    const { db, limits, worker } = this.deps;
    const claimed = await db.withTenant(job.tenantId, (tx) => claimTask(tx, job.tenantId, job.taskId, limits, worker));
    if (claimed === null) return;
    if (claimed === "busy") {
      await this.deps.engine.send(TASK_QUEUE, job, { startAfter: BUSY_RETRY_S });
      return "deferred";
    }
    await this.run(claimed);
  };

  private async run(task: Task): Promise<void> {
    const { db, log } = this.deps;
    const rt = this.deps.runtime();
    if (!rt) throw new Error("gateway not running");
    const [agent] = await db.withTenant(task.tenantId, (tx) => tx.select().from(agents).where(eq(agents.id, task.agentId)));
    if (!agent || !task.conversationId) return void (await this.end(rt, task, { status: "failed", error: "its agent or conversation no longer exists" }, null));
    const spend = await db.withTenant(task.tenantId, (tx) => agentSpend(tx, agent.id));
    const ledger = new Ledger({ tenantId: task.tenantId, agentId: agent.id, conversationId: task.conversationId }, this.deps.prices, { task: task.id });
    const controller = new AbortController();
    this.running.set(task.id, controller);
    const cap = Number(agent.taskBudgetUsd);
    let steps = 0;
    let watches = 0;
    const progress = () => db.withTenant(task.tenantId, (tx) => beat(tx, task.id, { steps, spendUsd: ledger.spent }));
    const settle = (check: Promise<string | null | undefined>) =>
      void check.then((s) => s !== "running" && s !== "waiting_approval" && controller.abort()).catch((e) => log.warn({ err: e, task: task.id }, "task watch failed"));
    const pool: TurnDeps["pool"] = {
      chat: (models, req, opts) => {
        if (cap > 0 && ledger.spent >= cap) return Promise.reject(new Error(`the task's budget of $${cap.toFixed(2)} is used up`));
        steps++;
        // Progress is written as a step begins, so /tasks shows the step the task is in right now.
        settle(progress());
        return rt.turn.pool.chat(models, req, opts);
      },
    };
    // Between steps the watch reads the status (a cancel from another replica) and, every
    // BEAT_EVERY rounds, writes the heartbeat that tells other replicas this task is alive.
    const watch = setInterval(() => settle(++watches % BEAT_EVERY === 0 ? progress() : db.withTenant(task.tenantId, (tx) => taskStatus(tx, task.id))), WATCH_MS);
    let outcome: TurnOutcome;
    try {
      const models = agent.executorModels.length ? agent.executorModels : agent.models;
      const input: TurnInput = {
        tenantId: task.tenantId,
        agent: { ...agent, models, maxToolIterations: agent.taskMaxSteps },
        conversationId: task.conversationId,
        history: [{ role: "user", content: brief(task) }],
        spend,
        ledger,
        userKey: task.requestedBy,
        signal: controller.signal,
        turn: { channelId: task.channelId!, chatKey: task.chatKey!, replyTo: task.replyTo ?? undefined, eventId: task.eventId!, requestedBy: task.requestedBy, enabledSkills: agent.enabledSkills, activeSkills: [], nextSeq: taskSeq(task.number, 0), taskId: task.id },
      };
      outcome = await runTurn({ ...rt.turn, pool }, input);
      // A tool that needs approval: the task waits for the decision (approval-wait.ts), then goes on.
      for (let asked = 0; outcome.kind === "paused"; asked++) {
        const answer = await awaitApproval({ db, rt }, task, asked, ledger, outcome, controller.signal);
        if (!answer) {
          controller.abort(); // cancelled while it waited: the canceller told the user
          break;
        }
        outcome = await runTurn({ ...rt.turn, pool }, { ...input, resume: answer });
      }
    } catch (e) {
      outcome = { kind: "failed", error: (e as Error).message };
    } finally {
      clearInterval(watch);
      this.running.delete(task.id);
    }
    if (controller.signal.aborted) {
      // Cancelled (the canceller told the user) or this process is stopping (the task stays
      // `running` under this worker and the next start's sweep ends it `failed: interrupted`).
      // What it spent is on record either way.
      return void (await db.withTenant(task.tenantId, (tx) => ledger.write(tx)));
    }
    await this.end(rt, task, ended(outcome), ledger, steps);
  }

  /** Finishes the task, its ledger and its result message in one transaction, then reports. */
  private async end(rt: ExecutorRuntime, task: Task, end: { status: "done" | "failed"; result?: string; error?: string }, ledger: Ledger | null, steps = 0): Promise<void> {
    const { db } = this.deps;
    const spendUsd = ledger?.spent ?? 0;
    const prepared = await db.withTenant(task.tenantId, async (tx) => {
      await ledger?.write(tx);
      if (!(await finishTask(tx, task.id, { ...end, steps, spendUsd }))) return undefined;
      return prepareResult(tx, { ...task, ...end, result: end.result ?? null, error: end.error ?? null });
    });
    if (prepared === undefined) return; // cancelled or interrupted meanwhile: someone else reported
    this.deps.finished?.({ ...task, ...end, result: end.result ?? null, error: end.error ?? null, steps, spendUsd: spendUsd.toFixed(6) });
    await deliverResult({ db, ...rt }, task, prepared);
  }
}

function ended(outcome: TurnOutcome): { status: "done" | "failed"; result?: string; error?: string } {
  switch (outcome.kind) {
    case "reply":
      return { status: "done", result: outcome.text || "(no text)" };
    case "budget_stop":
      return { status: "failed", error: `budget: ${outcome.reason}` };
    case "paused": // only when the task stopped while it waited (then nothing is reported)
      return { status: "failed", error: `it needed an approval (${outcome.request.summary})` };
    default:
      return { status: "failed", error: outcome.error };
  }
}

/** The task as the executor's model reads it. */
function brief(task: Task): string {
  return [
    "You are working on a background task on your own; nobody is chatting with you. Use your tools as needed, then answer with the finished result (it is posted to the user as is).",
    `Goal: ${task.goal}`,
    task.context && `Context:\n${task.context}`,
    task.expectedOutput && `Expected output: ${task.expectedOutput}`,
  ]
    .filter(Boolean)
    .join("\n\n");
}
