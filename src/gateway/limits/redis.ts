/**
 * Redis BucketStore: one bucket per key shared by every replica, so limits hold across the fleet.
 *
 * - Refill and take happen in ONE Lua script, atomic on the server: concurrent takes from any
 *   number of replicas can never over-admit.
 * - Time comes from the Redis server (`TIME`), never from replicas' clocks, which can disagree.
 * - A bucket key expires (PEXPIRE) when it would be full again; a missing key IS a full bucket
 *   (bucket.ts), so Redis holds only recently active keys and nothing needs sweeping.
 * - ioredis is imported lazily: single-node installs never load it (tight idle-memory budget).
 * - Start-up is strict (bounded retries, then a KonstructError naming `redis.url`); at run time a
 *   Redis failure lets the message through — see `take`.
 */
import type { Logger } from "pino";
import type { Redis } from "ioredis";
import { KonstructError } from "../../errors.ts";
import { redactUrl } from "../../log/redact.ts";
import { type BucketStore, TOKEN_EPSILON, type TakeResult } from "./bucket.ts";

// KEYS[1] bucket hash {tokens, at(µs)}; ARGV capacity, refill/s. Returns {allowed 0|1, retryAfterMs}.
const TAKE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local capacity = tonumber(ARGV[1])
local perUs = tonumber(ARGV[2]) / 1000000
local s = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
if s[1] and s[2] then
  tokens = math.min(capacity, tonumber(s[1]) + math.max(0, now - tonumber(s[2])) * perUs)
end
local allowed = 0
local retry = 0
if tokens + ${TOKEN_EPSILON} >= 1 then
  allowed = 1
  tokens = math.max(0, tokens - 1)
else
  retry = math.ceil((1 - tokens) / perUs / 1000)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((capacity - tokens) / perUs / 1000)))
return {allowed, retry}
`;

type TakeCommand = { rlTake(key: string, capacity: number, refillPerSec: number): Promise<[number, number]> };

export interface RedisStoreOptions {
  log: Logger;
  /** Prepended to every key; lets several installs (or tests) share one Redis. */
  keyPrefix?: string;
  /** Connection attempts at start-up before giving up. */
  attempts?: number;
  /** First retry delay at start-up; doubles up to 5 s. */
  retryDelayMs?: number;
  /** A rate-limit check must not stall the pipeline: past this, the check fails open. */
  commandTimeoutMs?: number;
}

export class RedisBucketStore implements BucketStore {
  constructor(
    private readonly redis: Redis & TakeCommand,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  async take(key: string, capacity: number, refillPerSec: number): Promise<TakeResult> {
    try {
      const [allowed, retryAfterMs] = await this.redis.rlTake(this.prefix + key, capacity, refillPerSec);
      return { allowed: allowed === 1, retryAfterMs };
    } catch (e) {
      // Fail OPEN: the message is already durable in the inbox and the user is waiting for an answer.
      // Refusing would silently drop real work because of our infrastructure, while letting a few
      // messages through unlimited for the length of an outage costs only some extra model calls.
      this.log.warn({ err: e, key }, "rate limit check failed (redis); allowing the message");
      return { allowed: true, retryAfterMs: 0 };
    }
  }

  async markNotified(key: string, ttlMs: number): Promise<boolean> {
    try {
      return (await this.redis.set(this.prefix + key, "1", "PX", Math.max(1, Math.ceil(ttlMs)), "NX")) === "OK";
    } catch (e) {
      // Unreachable in practice (take would have failed open first); prefer one reply over silence.
      this.log.warn({ err: e, key }, "rate limit notify marker failed (redis); notifying");
      return true;
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** `name` is the connection's CLIENT LIST name (default konstruct-ratelimit): tells stores apart on a shared Redis. */
export async function createRedisBucketStore(url: string, opts: RedisStoreOptions & { name?: string }): Promise<RedisBucketStore> {
  const redis = (await connectRedis(url, { ...opts, name: opts.name ?? "konstruct-ratelimit", scripts: { rlTake: { lua: TAKE_LUA, numberOfKeys: 1 } } })) as Redis & TakeCommand;
  return new RedisBucketStore(redis, opts.keyPrefix ?? "konstruct:rl:", opts.log);
}

/**
 * A Redis connection as every shared-state user here wants it: strict, bounded start-up (then a
 * KonstructError naming `redis.url`), no offline queue (a command fails fast while disconnected),
 * reconnecting forever once running. Callers decide how their commands fail (open, mostly).
 */
export async function connectRedis(url: string, opts: RedisStoreOptions & { name: string; scripts?: Record<string, { lua: string; numberOfKeys: number }> }): Promise<Redis> {
  const { Redis } = await import("ioredis");
  let started = false;
  let failing = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    // Fail fast while disconnected instead of queueing: a queued check would stall the pipeline.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: opts.commandTimeoutMs ?? 1000,
    connectTimeout: 3000,
    connectionName: opts.name,
    // Start-up retries are ours (bounded, below); once running, reconnect forever with backoff.
    retryStrategy: (times) => (started ? Math.min(times * 200, 2000) : null),
    scripts: opts.scripts,
  });
  redis.on("error", (e: Error) => {
    if (started && !failing) opts.log.warn({ err: e, connection: opts.name }, "redis connection error; fails open until it recovers");
    failing = true;
  });
  redis.on("ready", () => {
    if (failing && started) opts.log.info("redis connection restored");
    failing = false;
  });
  let delay = opts.retryDelayMs ?? 500;
  const attempts = opts.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      await redis.connect();
      await redis.ping();
      break;
    } catch (e) {
      // Only a live socket needs closing; disconnect() on an ended client would leave ioredis
      // believing a later runtime drop was deliberate, and it would then never reconnect.
      if (redis.status !== "end" || attempt >= attempts) redis.disconnect();
      if (attempt >= attempts) {
        throw new KonstructError("redis_unavailable", `redis.url: cannot connect to ${redactUrl(url)} after ${attempt} attempt(s): ${(e as Error).message}`, { cause: e });
      }
      await Bun.sleep(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }
  started = true;
  failing = false;
  return redis;
}
