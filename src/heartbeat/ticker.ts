/**
 * The heartbeat's scheduler: a plain interval in the process (no job engine — pg-boss is not
 * loaded for this, the idle RSS budget has no room for it). Each tick claims the agents whose beat
 * is due, per tenant inside db.withTenant with `for update skip locked`, and moves their `next_at`
 * on in the same transaction, so several replicas never beat one agent twice. A due agent inside
 * its quiet hours is not beaten (its `last_at` stays, so what changed meanwhile is seen after).
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { type Agent, agents, tenants } from "../db/schema/index.ts";
import { type BeatDeps, beat } from "./beat.ts";
import { inQuietHours } from "./quiet.ts";
import { sweepNotices } from "./sweep.ts";

/** Claims one tenant's due agents; returns those to beat (rows as they were before the claim). */
export async function claimDue(db: Database, tenantId: string, now: Date): Promise<Agent[]> {
  return db.withTenant(tenantId, async (tx) => {
    const due = await tx
      .select()
      .from(agents)
      .where(sql`${agents.heartbeat} is not null and (${agents.heartbeatNextAt} is null or ${agents.heartbeatNextAt} <= ${now.toISOString()}::timestamptz)`)
      .for("update", { skipLocked: true });
    const beating: Agent[] = [];
    for (const a of due) {
      const every = Math.max(1, a.heartbeat!.everyMinutes);
      const quiet = inQuietHours(a.heartbeat!.quietHours, now);
      const next = new Date(now.getTime() + every * 60_000);
      await tx.update(agents).set(quiet ? { heartbeatNextAt: next } : { heartbeatNextAt: next, heartbeatLastAt: now }).where(sql`${agents.id} = ${a.id}`);
      if (!quiet) beating.push(a);
    }
    return beating;
  });
}

/**
 * One tick over every tenant: its due agents beat, then its undelivered messages are retried; a
 * failing beat is logged and does not stop the others.
 */
export async function tick(deps: BeatDeps, now = new Date()): Promise<number> {
  const ids = await deps.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants));
  let n = 0;
  for (const { id } of ids) {
    for (const a of await claimDue(deps.db, id, now)) {
      await beat(deps, id, a, now).catch((e) => deps.log.error({ agent: a.slug, err: (e as Error).message }, "heartbeat failed"));
      n++;
    }
    await sweepNotices(deps, id, now).catch((e) => deps.log.error({ tenant: id, err: (e as Error).message }, "heartbeat delivery sweep failed"));
  }
  return n;
}

export interface Heartbeat {
  /** One tick now (or at `now`: tests drive the clock); waits for a tick already in flight first. */
  tick(now?: Date): Promise<number>;
  /** Stops ticking; waits for a tick in flight (before the database closes). */
  stop(): Promise<void>;
}

/** Starts ticking every `seconds`; ticks never overlap in one process. */
export function startHeartbeat(deps: BeatDeps, seconds = 60): Heartbeat {
  let inFlight = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const run = (now?: Date): Promise<number> => {
    inFlight++;
    const p = chain.then(() => tick(deps, now)).finally(() => inFlight--);
    chain = p.catch((e) => deps.log.error({ err: (e as Error).message }, "heartbeat tick failed"));
    return p;
  };
  const timer = setInterval(() => {
    if (!inFlight) void run().catch(() => {});
  }, seconds * 1000);
  timer.unref?.();
  return {
    tick: run,
    async stop() {
      clearInterval(timer);
      await chain;
    },
  };
}
