/**
 * Background tasks, assembled for the composition root: the start_task tool, the executor (the
 * `task` queue's handler on the job engine), the chat commands and the sweep.
 */
import type { Logger } from "pino";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import type { JobEngine } from "../jobs/engine.ts";
import { taskCommands } from "./commands.ts";
import { type ExecutorDeps, type ExecutorRuntime, TASK_QUEUE, TaskExecutor } from "./executor.ts";
import { sweepTasks } from "./sweep.ts";
import { createStartTask } from "./tool.ts";

const SWEEP_MS = 10_000;
/** A task's job active longer than this is re-offered by pg-boss (its claim then finds it taken). */
const TASK_JOB_EXPIRY_S = 3600;

export type Tasks = ReturnType<typeof createTasks>;

export function createTasks(o: { config: Config; db: Database; engine: JobEngine; log: Logger; worker: string; runtime(): ExecutorRuntime | null; finished?: ExecutorDeps["finished"] }) {
  const log = o.log.child({ part: "tasks" });
  const executor = new TaskExecutor({
    db: o.db,
    engine: o.engine,
    log,
    prices: o.config.llm.prices,
    limits: { perTenant: o.config.jobs.tasks_per_tenant, perAgent: o.config.jobs.tasks_per_agent },
    worker: o.worker,
    runtime: o.runtime,
    finished: o.finished,
  });
  o.engine.define(TASK_QUEUE, { workers: o.config.jobs.task_workers, expireInSeconds: TASK_JOB_EXPIRY_S, retryLimit: 1, handler: executor.execute });
  const sweep = () => sweepTasks({ db: o.db, worker: o.worker, running: new Set(executor.running.keys()), runtime: o.runtime, log });
  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    executor,
    tool: { provider: createStartTask({ db: o.db, enqueue: executor.enqueue }), options: { baseline: ["start_task"], readOnly: ["start_task"] } },
    commands: taskCommands(o.db, (id) => executor.running.get(id)?.abort()),
    sweep,
    /** Sweeps once now (a restart's interrupted tasks), then while the engine runs. */
    async start() {
      await sweep().catch((e) => log.warn({ err: e }, "task sweep failed"));
      timer = setInterval(() => void (o.engine.running ? sweep() : Promise.resolve(0)).catch((e) => log.warn({ err: e }, "task sweep failed")), SWEEP_MS);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      executor.abortAll();
    },
  };
}
