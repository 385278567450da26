/**
 * Login throttling: failed attempts counted per key (`account:<email>`, `ip:<address>`) in a fixed
 * window. An IP is blocked at `max` failures until the window ends (one client guessing many
 * accounts). An account is never blocked — that would let anyone lock the only platform admin out
 * — but each attempt on it waits longer the more it failed recently (progressive delay, capped at
 * 4 s), which slows guessing one password from many IPs to a crawl. `konstruct admin unlock`
 * clears both. State is in the database, so it holds across restarts and replicas.
 */
import { inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { loginThrottle } from "../../db/schema/index.ts";

export interface ThrottlePolicy {
  max: number;
  windowMs: number;
}

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const ipKey = (ip: string) => `ip:${ip}`;
export const throttleKeys = (email: string, ip: string) => [accountKey(email), ipKey(ip)];

export const MAX_DELAY_MS = 4000;
/** 0 failures: none; then 250 ms, doubling per failure, never above MAX_DELAY_MS. */
export const delayAfter = (failures: number) => (failures <= 0 ? 0 : Math.min(MAX_DELAY_MS, 250 * 2 ** Math.min(failures - 1, 10)));

/** How long an attempt on this account waits first: by its failures in the current window. */
export async function accountDelayMs(db: Database, key: string, policy: ThrottlePolicy, now = Date.now()): Promise<number> {
  const [r] = await db.platform((tx) => tx.select().from(loginThrottle).where(inArray(loginThrottle.key, [key])));
  return r && r.windowStartedAt.getTime() + policy.windowMs > now ? delayAfter(r.failures) : 0;
}

/** Seconds until the keys may try again; 0 = not blocked. */
export async function blockedFor(db: Database, keys: string[], policy: ThrottlePolicy, now = Date.now()): Promise<number> {
  const rows = await db.platform((tx) => tx.select().from(loginThrottle).where(inArray(loginThrottle.key, keys)));
  let wait = 0;
  for (const r of rows) {
    const ends = r.windowStartedAt.getTime() + policy.windowMs;
    if (r.failures >= policy.max && ends > now) wait = Math.max(wait, Math.ceil((ends - now) / 1000));
  }
  return wait;
}

export async function recordFailure(db: Database, keys: string[], policy: ThrottlePolicy): Promise<void> {
  const windowStart = sql`now() - make_interval(secs => ${policy.windowMs / 1000})`;
  await db.platform(async (tx) => {
    // Windows that ended are history: keep the table as small as the current attack.
    await tx.delete(loginThrottle).where(lt(loginThrottle.windowStartedAt, sql`now() - make_interval(secs => ${(2 * policy.windowMs) / 1000})`));
    for (const key of keys)
      await tx
        .insert(loginThrottle)
        .values({ key, failures: 1 })
        .onConflictDoUpdate({
          target: loginThrottle.key,
          set: {
            failures: sql`case when ${loginThrottle.windowStartedAt} <= ${windowStart} then 1 else ${loginThrottle.failures} + 1 end`,
            windowStartedAt: sql`case when ${loginThrottle.windowStartedAt} <= ${windowStart} then now() else ${loginThrottle.windowStartedAt} end`,
          },
        });
  });
}

/** Clears the given keys (a successful sign-in, `konstruct admin unlock`); all of them when none given. */
export async function clearFailures(db: Database, ...keys: string[]): Promise<number> {
  const gone = await db.platform((tx) => (keys.length ? tx.delete(loginThrottle).where(inArray(loginThrottle.key, keys)) : tx.delete(loginThrottle)).returning({ key: loginThrottle.key }));
  return gone.length;
}
