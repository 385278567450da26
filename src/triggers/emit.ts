/**
 * Internal events into event triggers (events.ts): fire and forget from the emitting subsystem's
 * point of view — a failure is logged, never thrown into the subsystem that emitted. Each matching
 * trigger of the tenant gets the event through start.ts (dedupe on `<event>:<key>`, filter,
 * template, task) in one transaction of that tenant; the tasks' jobs are sent after commit.
 */
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import type { Emit, InternalEvent } from "./events.ts";
import { startFromDelivery } from "./start.ts";
import { eventTriggers } from "./store.ts";

export type { Emit } from "./events.ts";

interface EmitDeps {
  db: Database;
  enqueue(tenantId: string, taskId: string): Promise<void>;
  log: Logger;
}

/** Delivers one event to the tenant's event triggers; returns the ids of the tasks it started. */
export async function deliverEvent(deps: EmitDeps, tenantId: string, event: InternalEvent, key: string, payload: Record<string, unknown>): Promise<string[]> {
  const started = await deps.db.withTenant(tenantId, async (tx) => {
    const ids: string[] = [];
    for (const t of await eventTriggers(tx, event)) {
      const r = await startFromDelivery(tx, t, `${event}:${key}`, { event, ...payload });
      if (r.outcome === "accepted") ids.push(r.taskId);
    }
    return ids;
  });
  for (const id of started) await deps.enqueue(tenantId, id);
  if (started.length) deps.log.info({ event, tasks: started.length }, "event triggers started tasks");
  return started;
}

export function emitter(deps: EmitDeps): Emit {
  return (tenantId, event, key, payload) => void deliverEvent(deps, tenantId, event, key, payload).catch((e) => deps.log.warn({ err: e, event }, "event trigger failed"));
}
