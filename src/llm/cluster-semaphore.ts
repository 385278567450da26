/**
 * `max_concurrency` across replicas: a provider's slots are leases in one Redis sorted set (member =
 * a random lease id, score = its expiry on the Redis clock). Taking a slot is one Lua script (drop
 * expired leases, count, add) so replicas can never over-admit; a held lease is renewed every third
 * of its lifetime and removed on release, so the slots of a crashed replica come back after `leaseMs`.
 *
 * Invariants: callers queue first on the local FIFO semaphore (fairness and abort inside a replica,
 * and no more Redis traffic than local slots); a replica waiting for a cluster slot polls with a
 * capped backoff. Redis failing fails OPEN to the local limit (logged): a user's answer is worth
 * more than a provider's concurrency cap for the length of an outage.
 */
import type { Logger } from "pino";
import { Semaphore } from "../semaphore.ts";

// KEYS[1] zset; ARGV size, lease ms, id. Returns 1 when the lease was taken.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return 1
`;
// KEYS[1] zset; ARGV lease ms, id. Extends a lease still held.
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return 1
`;

export interface RedisEval {
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
  zrem(key: string, member: string): Promise<unknown>;
}

export interface Gate {
  acquire(signal?: AbortSignal): Promise<() => void>;
  readonly inUse: number;
  readonly waiting: number;
}

export class ClusterSemaphore implements Gate {
  readonly #local: Semaphore;

  constructor(
    private readonly redis: RedisEval,
    private readonly key: string,
    readonly size: number,
    private readonly log: Logger,
    private readonly leaseMs = 30_000,
  ) {
    this.#local = new Semaphore(size);
  }

  get inUse(): number {
    return this.#local.inUse;
  }
  get waiting(): number {
    return this.#local.waiting;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    const local = await this.#local.acquire(signal);
    const id = crypto.randomUUID();
    try {
      for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
        if (signal?.aborted) throw signal.reason;
        if ((await this.redis.eval(TAKE, 1, this.key, Math.max(1, Math.floor(this.size)), this.leaseMs, id)) === 1) break;
        await Bun.sleep(wait);
      }
    } catch (e) {
      if (signal?.aborted) {
        local();
        throw signal.reason;
      }
      this.log.warn({ err: e, key: this.key }, "cluster concurrency slot unavailable (redis); using the local limit");
      return local;
    }
    const renew = setInterval(() => void this.redis.eval(RENEW, 1, this.key, this.leaseMs, id).catch(() => {}), this.leaseMs / 3);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      clearInterval(renew);
      void this.redis.zrem(this.key, id).catch(() => {});
      local();
    };
  }
}
