/**
 * The heartbeat's delivery sweep, once per tenant on every tick: a `notify` run whose message was
 * not handed to its channel (the channel was down or not connected, the destination missing, the
 * process died mid-send) is tried again. Runs are claimed with `for update skip locked` and their
 * `delivery_tried_at` moved on in the claiming transaction, so with several replicas one of them
 * tries a run at a time, and not again before RETRY_MS; the message is the one the outbox recorded
 * under the run's own event, so a retry never writes or sends a second copy (deliver.ts). A run
 * older than GIVE_UP_MS is left as it is (`delivery_error` says why): stale news is not sent; nor
 * is a run of an agent that has no `notify` destination (it only records its decisions).
 */
import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import { agents, heartbeatRuns } from "../db/schema/index.ts";
import { deliverNotice, type Notice, prepareNotice, type Reach } from "./deliver.ts";

/** Longer than one delivery can take with all its outbox retries (5 attempts, ≤ 30 s apart). */
export const RETRY_MS = 5 * 60_000;
export const GIVE_UP_MS = 24 * 3600_000;
const BATCH = 20;

export async function sweepNotices(deps: { db: Database; reach: Reach; log: Logger }, tenantId: string, now = new Date()): Promise<number> {
  const notices = await deps.db.withTenant(tenantId, async (tx) => {
    const due = await tx
      .select({ id: heartbeatRuns.id, agentId: heartbeatRuns.agentId, message: heartbeatRuns.message, heartbeat: agents.heartbeat })
      .from(heartbeatRuns)
      .innerJoin(agents, and(eq(agents.tenantId, heartbeatRuns.tenantId), eq(agents.id, heartbeatRuns.agentId)))
      .where(
        and(
          eq(heartbeatRuns.decision, "notify"),
          // An agent without a destination only records its decisions: nothing to retry.
          sql`jsonb_typeof(${agents.heartbeat}->'notify') = 'object'`,
          isNull(heartbeatRuns.deliveredAt),
          gt(heartbeatRuns.at, new Date(now.getTime() - GIVE_UP_MS)),
          or(isNull(heartbeatRuns.deliveryTriedAt), lt(heartbeatRuns.deliveryTriedAt, new Date(now.getTime() - RETRY_MS))),
        ),
      )
      .orderBy(heartbeatRuns.at)
      .limit(BATCH)
      .for("update", { of: heartbeatRuns, skipLocked: true });
    const out: Notice[] = [];
    for (const run of due) {
      if (!run.message) continue;
      const n = await prepareNotice(tx, tenantId, { ...run, message: run.message }, run.heartbeat?.notify ?? null);
      await tx
        .update(heartbeatRuns)
        .set({ deliveryTriedAt: now, ...(typeof n === "string" ? { deliveryError: n } : {}) })
        .where(eq(heartbeatRuns.id, run.id));
      if (typeof n !== "string") out.push(n);
    }
    return out;
  });
  let delivered = 0;
  for (const n of notices) {
    if (await deliverNotice(deps, tenantId, n).catch((e) => (deps.log.warn({ run: n.runId, err: (e as Error).message }, "heartbeat retry failed"), false))) delivered++;
  }
  if (delivered) deps.log.info({ tenant: tenantId, delivered }, "heartbeat messages delivered late");
  return delivered;
}

