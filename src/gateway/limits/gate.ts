/**
 * Inbound rate limits as the gateway sees them: per end user, per channel connection, per tenant.
 *
 * Invariants:
 * - Checked narrowest first (user → connection → tenant), and a wider bucket is only taken from
 *   when the narrower allowed: one noisy user exhausts their own bucket, not their team's.
 * - Every key embeds the tenant id (`t:<tenant>`, `c:<tenant>:<conn>`, `u:<tenant>:<conn>:<user>`),
 *   ids URI-encoded so no crafted id can collide with another tenant's key.
 * - A refused user is told exactly once per dry spell (until the refusing bucket would allow
 *   again): the notify marker lives as long as that wait. Never silence, never a flood.
 */
import type { Logger } from "pino";
import type { Config } from "../../config/schema.ts";
import type { BucketStore } from "./bucket.ts";
import { MemoryBucketStore } from "./memory.ts";
import { createRedisBucketStore } from "./redis.ts";

export type Scope = "user" | "connection" | "tenant";
type Limits = Config["limits"];
export type GateKey = { tenantId: string; connectionId: string; userId: string };
export type Verdict = { allowed: boolean; notify: boolean; message: string; scope?: Scope };

/**
 * Structurally the consumer's `Gate` (declared by the gateway's handler); not imported from there
 * so this module depends on nothing in the gateway that moves under it.
 */
export class RateLimitGate {
  constructor(
    private readonly store: BucketStore,
    private readonly limits: Limits,
  ) {}

  async check(key: GateKey): Promise<Verdict> {
    const [t, c, u] = [key.tenantId, key.connectionId, key.userId].map(encodeURIComponent);
    const userKey = `u:${t}:${c}:${u}`;
    const buckets: [Scope, string][] = [
      ["user", userKey],
      ["connection", `c:${t}:${c}`],
      ["tenant", `t:${t}`],
    ];
    for (const [scope, bucketKey] of buckets) {
      const { capacity, refill_per_sec } = this.limits[scope];
      const { allowed, retryAfterMs } = await this.store.take(bucketKey, capacity, refill_per_sec);
      if (allowed) continue;
      const notify = await this.store.markNotified(`n:${scope}:${userKey}`, Math.max(1000, retryAfterMs));
      return { allowed: false, notify, message: politeRefusal(scope, retryAfterMs), scope };
    }
    return { allowed: true, notify: false, message: "" };
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** Redis-backed when `redisUrl` is set (limits hold across replicas), in-process otherwise. */
export async function createGate(limits: Limits, redisUrl: string, log: Logger): Promise<RateLimitGate> {
  const store = redisUrl ? await createRedisBucketStore(redisUrl, { log }) : new MemoryBucketStore();
  return new RateLimitGate(store, limits);
}

const OPENERS: Record<Scope, string> = {
  user: "You're sending messages faster than I can answer them",
  connection: "So many people are messaging me here at once that I can't keep up right now",
  tenant: "Your team is sending me more messages than I can handle right now",
};

/** The one reply a refused user gets: which limit, and when to try again. */
export function politeRefusal(scope: Scope, retryAfterMs: number): string {
  return `${OPENERS[scope]} — please try again in ${roughly(retryAfterMs)}.`;
}

/**
 * Always rounds UP: a user who retries when told must get through, because an early retry inside
 * the same dry spell is dropped without a word.
 */
function roughly(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s === 1) return "about a second";
  if (s <= 10) return `about ${s} seconds`;
  if (s <= 55) return `about ${Math.ceil(s / 5) * 5} seconds`;
  const m = Math.ceil(s / 60);
  if (m === 1) return "about a minute";
  if (m < 60) return `about ${m} minutes`;
  const h = Math.ceil(m / 60);
  return h === 1 ? "about an hour" : `about ${h} hours`;
}
