/**
 * The three internal events as the subsystems report them, turned into bounded JSON payloads for
 * event triggers (events.ts). Text from the model or a user (a task's result, an approval's
 * summary) is cut to a few KB here, before any filter or template sees it. A task started by an
 * event trigger (requested_by `event:<trigger>`) emits nothing, so no chain of event triggers can
 * feed itself.
 */
import type { Approval, Task } from "../db/schema/index.ts";
import type { Emit } from "./events.ts";

const cut = (s: string | null | undefined, n: number) => (s == null ? null : s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function eventHooks(emit: () => Emit | null) {
  return {
    taskFinished(task: Task): void {
      if (task.requestedBy.startsWith("event:")) return;
      emit()?.(task.tenantId, "task.finished", task.id, {
        task: { id: task.id, number: task.number, status: task.status, agent_id: task.agentId, requested_by: task.requestedBy, goal: cut(task.goal, 1000), result: cut(task.result, 4000), error: cut(task.error, 1000) },
      });
    },
    approvalDecided(a: Approval): void {
      emit()?.(a.tenantId, "approval.decided", a.id, {
        approval: { id: a.id, status: a.status, tool: a.tool, summary: cut(a.summary, 1000), decided_by: a.decidedBy, requested_by: a.requestedBy, agent_id: a.agentId },
      });
    },
    documentReady(tenantId: string, doc: { id: string; title: string; filename: string }): void {
      emit()?.(tenantId, "document.ready", doc.id, { document: { id: doc.id, title: cut(doc.title, 500), filename: cut(doc.filename, 500) } });
    },
  };
}
