/**
 * Event triggers, assembled for the composition root: the webhook receiver behind
 * POST /hooks/trigger/<id> and `emit` for internal events (see README.md). Rate limits are kept
 * in-process per trigger (a MemoryBucketStore, bounded in keys), which is enough to keep one
 * noisy sender from flooding the deliveries table.
 */
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import { MemoryBucketStore } from "../gateway/limits/memory.ts";
import { HOOK_BODY_BYTES } from "../http/body-limit.ts";
import type { SecretBox } from "../secrets/box.ts";
import { type Emit, emitter } from "./emit.ts";
import { receive } from "./receive.ts";

export type Triggers = ReturnType<typeof createTriggers>;

export function createTriggers(o: { db: Database; secrets: SecretBox; log: Logger; enqueue(tenantId: string, taskId: string): Promise<void>; now?: () => number }) {
  const log = o.log.child({ part: "triggers" });
  const limits = new MemoryBucketStore({ maxKeys: 10_000 });
  const deps = { db: o.db, secrets: o.secrets, enqueue: o.enqueue, log, limits, maxBytes: HOOK_BODY_BYTES, rate: { capacity: 30, refillPerSec: 1 }, now: o.now, pruned: new Map<string, number>() };
  const emit: Emit = emitter({ db: o.db, enqueue: o.enqueue, log });
  return {
    receive: (publicId: string, request: Request) => receive(deps, publicId, request),
    emit,
    stop: () => limits.close(),
  };
}
