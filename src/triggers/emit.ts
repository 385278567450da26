/**
 * Internal events into event triggers (events.ts): fire and forget from the emitting subsystem's
 * point of view — a failure is logged, never thrown into the subsystem that emitted. Each matching
 * trigger of the tenant gets the event through start.ts (dedupe on `key`, filter, template, task).
 */
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import type { Emit } from "./events.ts";
import { startFromDelivery } from "./start.ts";
import { eventTriggers } from "./store.ts";

export type { Emit } from "./events.ts";

export function emitter(deps: { db: Database; enqueue(tenantId: string, taskId: string): Promise<void>; log: Logger }): Emit {
  return (tenantId, event, key, payload) => {
    void (async () => {
      const started = await deps.db.withTenant(tenantId, async (tx) => {
        const ids: string[] = [];
        for (const t of await eventTriggers(tx, event)) {
          const r = await startFromDelivery(tx, t, `${event}:${key}`, { event, ...payload });
          if (r.outcome === "accepted") ids.push(r.taskId);
        }
        return ids;
      });
      for (const id of started) await deps.enqueue(tenantId, id);
    })().catch((e) => deps.log.warn({ err: e, event }, "event trigger failed"));
  };
}
