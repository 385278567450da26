/**
 * The tasks' sweep, at start and every SWEEP_MS while the job engine runs: a running task whose
 * executor is gone — this instance's own after a restart (kill -9 included), or any whose
 * heartbeat stopped — ends `failed: interrupted` and says so in its chat; a finished task whose
 * result was written but not handed to the channel is delivered now (the outbox never sends a
 * recorded message twice).
 */
import { and, inArray, isNull, lt, notInArray, or, sql, eq } from "drizzle-orm";
import type { Logger } from "pino";
import { tenantIds, withdrawTaskApprovals } from "../approvals/store.ts";
import type { Database } from "../db/database.ts";
import { tasks } from "../db/schema/index.ts";
import type { ExecutorRuntime } from "./executor.ts";
import { deliverResult, prepareResult } from "./report.ts";

export const INTERRUPTED = "interrupted: the appliance stopped while this task ran; ask again to restart it";
const STALE_S = 30;
const UNREPORTED_S = 60;

export async function sweepTasks(deps: { db: Database; worker: string; running: ReadonlySet<string>; runtime(): ExecutorRuntime | null; log: Logger }): Promise<number> {
  const rt = deps.runtime();
  if (!rt) return 0;
  let n = 0;
  for (const { id: tenantId } of await tenantIds(deps.db)) {
    const found = await deps.db.withTenant(tenantId, async (tx) => {
      const mine = deps.running.size ? and(eq(tasks.worker, deps.worker), notInArray(tasks.id, [...deps.running])) : eq(tasks.worker, deps.worker);
      const orphans = await tx
        .update(tasks)
        .set({ status: "failed", error: INTERRUPTED, finishedAt: sql`now()`, heartbeatAt: null })
        .where(and(inArray(tasks.status, ["running", "waiting_approval"]), or(mine, lt(tasks.heartbeatAt, sql`now() - make_interval(secs => ${STALE_S})`))))
        .returning();
      // Their undecided approvals can no longer be acted on (a later click finds them expired).
      await withdrawTaskApprovals(tx, orphans.map((t) => t.id));
      const interrupted = await Promise.all(orphans.map(async (t) => ({ task: t, prepared: await prepareResult(tx, t) })));
      const unsent = await tx
        .select()
        .from(tasks)
        .where(and(isNull(tasks.reportedAt), inArray(tasks.status, ["done", "failed"]), lt(tasks.finishedAt, sql`now() - make_interval(secs => ${UNREPORTED_S})`)));
      const late = await Promise.all(unsent.map(async (t) => ({ task: t, prepared: await prepareResult(tx, t) })));
      return [...interrupted, ...late];
    });
    for (const { task, prepared } of found) {
      await deliverResult({ db: deps.db, ...rt }, task, prepared).catch((e) => deps.log.warn({ err: e, task: task.id }, "task report failed"));
      n++;
    }
  }
  if (n) deps.log.info({ tasks: n }, "swept interrupted or unreported tasks");
  return n;
}
