/**
 * In-process BucketStore for single-node installs. Exact token-bucket math, no I/O.
 *
 * Memory stays bounded under many distinct end users: a bucket that would be full again is
 * indistinguishable from a missing one (see bucket.ts), so a periodic sweep drops those and expired
 * notify markers; only keys active within their own refill window survive. As a last resort against
 * a flood of distinct ids inside one window, `maxKeys` evicts the least recently used entries —
 * that only ever makes a limit more lenient, never refuses someone wrongly.
 */
import { type BucketStore, TOKEN_EPSILON, type TakeResult } from "./bucket.ts";

interface Bucket {
  tokens: number;
  /** Clock time `tokens` was computed at. */
  at: number;
  /** Clock time the bucket would be full again; past this the entry carries no information. */
  fullAt: number;
}

export interface MemoryStoreOptions {
  /** Milliseconds, monotonic. Injectable so tests control time. */
  now?: () => number;
  /** How often (by the clock) to drop full buckets and expired markers. */
  sweepIntervalMs?: number;
  maxKeys?: number;
}

export class MemoryBucketStore implements BucketStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly markers = new Map<string, number>();
  private readonly now: () => number;
  private readonly sweepIntervalMs: number;
  private readonly maxKeys: number;
  private lastSweep: number;

  constructor(opts: MemoryStoreOptions = {}) {
    this.now = opts.now ?? (() => performance.now());
    this.sweepIntervalMs = opts.sweepIntervalMs ?? 10_000;
    this.maxKeys = opts.maxKeys ?? 100_000;
    this.lastSweep = this.now();
  }

  /** Buckets plus markers currently held (for tests and metrics). */
  get size(): number {
    return this.buckets.size + this.markers.size;
  }

  async take(key: string, capacity: number, refillPerSec: number): Promise<TakeResult> {
    const now = this.now();
    this.maybeSweep(now);
    const perMs = refillPerSec / 1000;
    const prev = this.buckets.get(key);
    let tokens = prev ? Math.min(capacity, prev.tokens + Math.max(0, now - prev.at) * perMs) : capacity;
    const allowed = tokens + TOKEN_EPSILON >= 1;
    if (allowed) tokens = Math.max(0, tokens - 1);
    // Delete before set: Map iteration order then doubles as least-recently-used order.
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, at: now, fullAt: now + (capacity - tokens) / perMs });
    this.enforceMaxKeys();
    return { allowed, retryAfterMs: allowed ? 0 : Math.ceil((1 - tokens) / perMs) };
  }

  async markNotified(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const expires = this.markers.get(key);
    if (expires !== undefined && expires > now) return false;
    this.markers.delete(key);
    this.markers.set(key, now + ttlMs);
    this.enforceMaxKeys();
    return true;
  }

  async close(): Promise<void> {
    this.buckets.clear();
    this.markers.clear();
  }

  private maybeSweep(now: number) {
    if (now - this.lastSweep < this.sweepIntervalMs) return;
    this.lastSweep = now;
    for (const [key, b] of this.buckets) if (b.fullAt <= now) this.buckets.delete(key);
    for (const [key, expires] of this.markers) if (expires <= now) this.markers.delete(key);
  }

  private enforceMaxKeys() {
    for (const map of [this.buckets, this.markers] as Map<string, unknown>[]) {
      while (map.size > this.maxKeys) map.delete(map.keys().next().value as string);
    }
  }
}
