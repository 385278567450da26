/**
 * The deterministic pre-check: SQL only, inside the caller's tenant transaction. It gathers what
 * changed for one agent since its previous beat — its tasks that finished or failed, the tenant's
 * documents that became ready or failed, approvals of its still pending — bounded to LIMIT items
 * per kind. An empty list means the beat ends here without a model call.
 */
import { and, eq, gt, inArray } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { approvals, kbDocuments, tasks } from "../db/schema/index.ts";

export interface Item {
  kind: "task" | "document" | "approval";
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
  return [
    ...done.map((t) => ({ kind: "task" as const, text: `Task #${t.number} ${t.status}: ${clip(t.goal)} — ${clip(t.status === "done" ? t.result : t.error)}` })),
    ...docs.map((d) => ({ kind: "document" as const, text: `Document "${clip(d.title, 120)}" ${d.status}${d.error ? `: ${clip(d.error)}` : ""}` })),
    ...pending.map((a) => ({ kind: "approval" as const, text: `Approval pending for ${a.tool} (asked by ${clip(a.requestedBy, 60)}): ${clip(a.summary)}` })),
  ];
}
