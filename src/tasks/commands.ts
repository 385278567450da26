/**
 * /tasks (and the task half of /status) and `/cancel N` / `/cancel all`: a user sees and stops
 * their own tasks with the agent they are talking to. A cancel is written first (every replica's
 * watcher sees it within a second), then this process's own executor is aborted at once.
 */
import type { Database } from "../db/database.ts";
import type { Task } from "../db/schema/index.ts";
import type { TaskCommands } from "../gateway/commands.ts";
import { activeTasksOf, cancelTasks } from "./store.ts";

export function taskCommands(db: Database, abort: (taskId: string) => void): TaskCommands {
  return {
    async list(tenantId, agentId, user) {
      const rows = await db.withTenant(tenantId, (tx) => activeTasksOf(tx, agentId, user));
      if (!rows.length) return "No tasks running or queued.";
      return ["Your tasks:", ...rows.map((t) => `• ${line(t)}`)].join("\n");
    },
    async cancel(tenantId, agentId, user, which) {
      const numbers = which === "all" ? undefined : [Number(which)];
      const done = await db.withTenant(tenantId, (tx) => cancelTasks(tx, { numbers, requestedBy: user, agentId }));
      for (const t of done) abort(t.id);
      if (!done.length) return which === "all" ? "You have no running or queued tasks." : `There is no running or queued task #${which} of yours.`;
      return `Cancelled ${done.length === 1 ? "task" : "tasks"} ${done.map((t) => `#${t.number}`).join(", ")}.`;
    },
  };
}

function line(t: Task, now = Date.now()): string {
  const goal = t.goal.length > 60 ? `${t.goal.slice(0, 59)}…` : t.goal;
  const status = t.status === "waiting_approval" ? "waiting for approval" : t.status;
  return `#${t.number} ${status} · ${age(now - t.createdAt.getTime())} · step ${t.steps} · $${Number(t.spendUsd).toFixed(4)} — ${goal}`;
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}
