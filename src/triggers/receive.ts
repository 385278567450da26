/**
 * POST /hooks/trigger/<id>: one webhook delivery. Order matters:
 *  1. the id's shape and the rate limit (per id) — before the database is asked;
 *  2. the trigger, looked up only inside the tenant the id names (ids.ts);
 *  3. the body, read while streaming and cut off past `maxBytes` (never buffered whole);
 *  4. the signature over those exact bytes (signature.ts) — before anything parses them;
 *  5. the JSON, then dedupe, filter and task (start.ts), and the task's job after commit.
 * An unknown id and a bad signature get the same answer (401 "refused"), which says nothing about
 * which it was; every delivery to a known trigger is recorded with its outcome and reason.
 */
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import { boundedBody } from "../bounded-read.ts";
import { KonstructError } from "../errors.ts";
import type { BucketStore } from "../gateway/limits/bucket.ts";
import type { SecretBox } from "../secrets/box.ts";
import { tenantOf } from "./ids.ts";
import { verify } from "./signature.ts";
import { startFromDelivery } from "./start.ts";
import { pruneDeliveries, recordDelivery, triggerByPublicId } from "./store.ts";

export interface ReceiveDeps {
  db: Database;
  secrets: SecretBox;
  enqueue(tenantId: string, taskId: string): Promise<void>;
  log: Logger;
  limits: BucketStore;
  /** Largest body accepted (bytes). */
  maxBytes: number;
  /** Deliveries per trigger: burst and per-second refill. */
  rate: { capacity: number; refillPerSec: number };
  /** When each trigger's old deliveries were last pruned (ms), so pruning runs at most hourly per trigger. */
  pruned?: Map<string, number>;
  now?: () => number;
}

const PRUNE_EVERY_MS = 3_600_000;
const json = (status: number, body: Record<string, unknown>) => Response.json(body, { status });
const refused = () => json(401, { status: "refused" });

export async function receive(deps: ReceiveDeps, publicId: string, request: Request): Promise<Response> {
  const tenantId = tenantOf(publicId);
  if (!tenantId) return refused();
  const take = await deps.limits.take(`trigger:${publicId}`, deps.rate.capacity, deps.rate.refillPerSec);
  if (!take.allowed) return new Response(JSON.stringify({ status: "rate_limited" }), { status: 429, headers: { "content-type": "application/json", "retry-after": String(Math.ceil(take.retryAfterMs / 1000)) } });
  const trigger = await deps.db.withTenant(tenantId, (tx) => triggerByPublicId(tx, publicId));
  if (!trigger) {
    await request.body?.cancel().catch(() => {});
    return refused();
  }
  const now = (deps.now ?? Date.now)();
  if (deps.pruned && now - (deps.pruned.get(trigger.id) ?? 0) > PRUNE_EVERY_MS) {
    if (deps.pruned.size > 10_000) deps.pruned.clear();
    deps.pruned.set(trigger.id, now);
    await deps.db.withTenant(tenantId, (tx) => pruneDeliveries(tx, trigger.id));
  }
  const refuse = async (reason: string, deliveryId: string | null, response: Response) => {
    await deps.db.withTenant(tenantId, (tx) => recordDelivery(tx, tenantId, trigger.id, "refused", reason, deliveryId));
    deps.log.info({ trigger: trigger.id, reason }, "trigger delivery refused");
    return response;
  };
  const body = await readBounded(request, deps.maxBytes);
  if (!body) return refuse(`body larger than ${Math.round(deps.maxBytes / 1024)} KB`, null, json(413, { status: "too_large" }));
  if (!trigger.secret) return refuse("trigger has no secret", null, refused());
  const v = verify(trigger.scheme, deps.secrets.unseal(trigger.secret), request.headers, body, now);
  if (!v.ok) return refuse(v.reason, null, refused());
  if (trigger.paused) return refuse("trigger paused", v.deliveryId, json(409, { status: "paused" }));
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return refuse("body is not JSON", v.deliveryId, json(400, { status: "bad_request" }));
  }
  const started = await deps.db.withTenant(tenantId, (tx) => startFromDelivery(tx, trigger, v.deliveryId, doc));
  if (started.outcome !== "accepted") return json(200, { status: started.outcome });
  await deps.enqueue(tenantId, started.taskId);
  deps.log.info({ trigger: trigger.id, task: started.taskId }, "trigger started a task");
  return json(202, { status: "accepted", task: started.taskNumber });
}

/** The whole body, or null when it is (or declares itself) larger than `max`. */
async function readBounded(request: Request, max: number): Promise<Uint8Array | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && (!/^\d{1,15}$/.test(declared) || Number(declared) > max)) {
    await request.body?.cancel().catch(() => {});
    return null;
  }
  if (!request.body) return new Uint8Array();
  try {
    return new Uint8Array(await new Response(boundedBody(request.body, max, () => new KonstructError("too_large", "body too large"))).arrayBuffer());
  } catch (e) {
    if (e instanceof KonstructError && e.code === "too_large") return null;
    throw e;
  }
}
