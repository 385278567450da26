/**
 * A finished task's message to the chat it started in. It is written to the outbox in the
 * transaction that finishes the task (keyed by the starting event and the task's RESULT_SEQ, so a
 * retry finds it instead of writing another), delivered, and `reported_at` set; a message that
 * could not be delivered then (no connection, a crash) is delivered by the sweep later — the outbox
 * never sends a recorded message twice.
 */
import { eq, sql } from "drizzle-orm";
import type { Database, Tx } from "../db/database.ts";
import { type Task, tasks } from "../db/schema/index.ts";
import type { Outbox } from "../gateway/outbox.ts";
import { notConnected, type Prepared, prepareMany } from "../gateway/outbox.ts";
import type { Connection } from "../gateway/pipeline.ts";
import { RESULT_SEQ, taskSeq } from "./store.ts";

export function resultText(task: Pick<Task, "number" | "status" | "result" | "error" | "goal">): string {
  const goal = task.goal.length > 80 ? `${task.goal.slice(0, 79)}…` : task.goal;
  if (task.status === "done") return `**Task #${task.number} done** — ${goal}\n\n${task.result || "(no text)"}`;
  if (task.status === "cancelled") return `Task #${task.number} was cancelled.`;
  return `**Task #${task.number} failed** — ${goal}\n\n${task.error ?? "unknown error"}`;
}

/** Writes the task's final message down (inside the finishing transaction); null when it has no chat. */
export async function prepareResult(tx: Tx, task: Task): Promise<Prepared | null> {
  if (!task.channelId || !task.chatKey || !task.eventId) return null;
  const draft = { channelId: task.channelId, key: { inboundEventId: task.eventId, seq: taskSeq(task.number, RESULT_SEQ) }, message: { chatKey: task.chatKey, replyTo: task.replyTo ?? undefined, text: resultText(task) } };
  const [prepared] = await prepareMany(tx, task.tenantId, [draft]);
  return prepared ?? null;
}

/** Sends a written-down result (unless already sent) and marks the task reported. */
export async function deliverResult(deps: { db: Database; outbox: Outbox; connection(id: string): Connection | undefined }, task: Task, prepared: Prepared | null): Promise<boolean> {
  if (prepared) {
    // Not connected now: recorded as a failed send, so the sweep's retry really sends it.
    const adapter = deps.connection(task.channelId!)?.adapter ?? notConnected;
    const outcome = await deps.outbox.deliver(task.tenantId, prepared, adapter, (o) => ({
      audit: { tenantId: task.tenantId, kind: "outbound", agentId: task.agentId, conversationId: task.conversationId, summary: `task #${task.number} result ${o.status}`, data: { task: task.id, chat: task.chatKey } },
    }));
    if (outcome.status === "failed") return false;
  }
  await deps.db.withTenant(task.tenantId, (tx) => tx.update(tasks).set({ reportedAt: sql`now()` }).where(eq(tasks.id, task.id)));
  return true;
}
