/**
 * The deterministic pre-check: SQL only, inside the caller's tenant transaction. It gathers what
 * changed for one agent since its previous beat — its tasks that finished or failed, its
 * schedules' runs (fired, late or skipped), the tenant's documents that became ready or failed,
 * its approvals still pending and those decided (approved, denied, expired) — bounded to LIMIT
 * items per kind, every text clipped. An empty list means the beat ends here without a model call.
 */
import { and, eq, gt, inArray, ne } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { approvals, kbDocuments, scheduleRuns, schedules, tasks } from "../db/schema/index.ts";

export interface Item {
  kind: "task" | "schedule" | "document" | "approval";
  text: string;
}

const LIMIT = 20;
const clip = (s: string | null | undefined, n = 200) => (!s ? "" : s.length > n ? `${s.slice(0, n - 1)}…` : s);

export async function changesSince(tx: Tx, agentId: string, since: Date): Promise<Item[]> {
  const done = await tx
    .select({ number: tasks.number, status: tasks.status, goal: tasks.goal, result: tasks.result, error: tasks.error })
    .from(tasks)
    .where(and(eq(tasks.agentId, agentId), inArray(tasks.status, ["done", "failed"]), gt(tasks.finishedAt, since)))
    .limit(LIMIT);
  const runs = await tx
    .select({ number: schedules.number, instruction: schedules.instruction, status: scheduleRuns.status, reason: scheduleRuns.reason, lateMs: scheduleRuns.lateMs, dueAt: scheduleRuns.dueAt })
    .from(scheduleRuns)
    .innerJoin(schedules, and(eq(schedules.tenantId, scheduleRuns.tenantId), eq(schedules.id, scheduleRuns.scheduleId)))
    .where(and(eq(schedules.agentId, agentId), gt(scheduleRuns.at, since)))
    .limit(LIMIT);
  const docs = await tx
    .select({ title: kbDocuments.title, status: kbDocuments.status, error: kbDocuments.error })
    .from(kbDocuments)
    .where(and(inArray(kbDocuments.status, ["ready", "failed"]), gt(kbDocuments.updatedAt, since)))
    .limit(LIMIT);
  const pending = await tx
    .select({ tool: approvals.tool, summary: approvals.summary, requestedBy: approvals.requestedBy })
    .from(approvals)
    .where(and(eq(approvals.agentId, agentId), eq(approvals.status, "pending"), gt(approvals.createdAt, since)))
    .limit(LIMIT);
  const decided = await tx
    .select({ tool: approvals.tool, summary: approvals.summary, status: approvals.status, decidedBy: approvals.decidedBy })
    .from(approvals)
    .where(and(eq(approvals.agentId, agentId), ne(approvals.status, "pending"), gt(approvals.decidedAt, since)))
    .limit(LIMIT);
  return [
    ...done.map((t) => ({ kind: "task" as const, text: `Task #${t.number} ${t.status}: ${clip(t.goal)} — ${clip(t.status === "done" ? t.result : t.error)}` })),
    ...runs.map((r) => ({ kind: "schedule" as const, text: `Schedule #${r.number} (${clip(r.instruction, 120)}) due ${r.dueAt.toISOString().slice(0, 16)}Z: ${ran(r)}` })),
    ...docs.map((d) => ({ kind: "document" as const, text: `Document "${clip(d.title, 120)}" ${d.status}${d.error ? `: ${clip(d.error)}` : ""}` })),
    ...pending.map((a) => ({ kind: "approval" as const, text: `Approval pending for ${a.tool} (asked by ${clip(a.requestedBy, 60)}): ${clip(a.summary)}` })),
    ...decided.map((a) => ({ kind: "approval" as const, text: `Approval for ${a.tool} ${a.status === "done" ? "approved" : a.status}${a.decidedBy ? ` by ${clip(a.decidedBy, 60)}` : ""}: ${clip(a.summary)}` })),
  ];
}

function ran(r: { status: string; reason: string | null; lateMs: number | null }): string {
  if (r.status === "skipped") return `skipped${r.reason ? ` (${clip(r.reason, 120)})` : ""}`;
  if (r.status === "late") return `ran late by ${Math.round((r.lateMs ?? 0) / 60_000)} min`;
  return "ran";
}
