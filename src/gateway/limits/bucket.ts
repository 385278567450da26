/**
 * The storage contract behind inbound rate limits: token buckets keyed by string, plus a one-shot
 * "already told them" marker. Two implementations: in-process (memory.ts, one node) and Redis
 * (redis.ts, shared by every replica). Both must agree on these semantics so the gate behaves the
 * same whichever is configured, and the same test scenarios run against both.
 *
 * Token bucket invariants:
 * - a key never seen (or evicted/expired) is a FULL bucket — forgetting a bucket is only ever lenient;
 * - refill is continuous at `refillPerSec`, capped at `capacity`;
 * - a take consumes exactly 1 token when at least 1 is available, otherwise consumes nothing;
 * - on refusal `retryAfterMs` is the (rounded-up) time until 1 token is available; 0 when allowed.
 */
export interface TakeResult {
  allowed: boolean;
  retryAfterMs: number;
}

export interface BucketStore {
  take(key: string, capacity: number, refillPerSec: number): Promise<TakeResult>;
  /** Sets a marker for `ttlMs`; true if this call set it (first), false if it was already set. */
  markNotified(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Floating-point refill can land a hair under 1 token exactly when retryAfterMs said it would be
 * there; a user who waited as told must not be refused (and, the marker having expired, notified
 * again) because of rounding dust.
 */
export const TOKEN_EPSILON = 1e-9;
