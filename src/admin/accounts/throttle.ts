/**
 * Login throttling: failed attempts counted per key (`account:<email>`, `ip:<address>`) in a fixed
 * window. At `max` failures within the window a key is blocked until the window ends — for an
 * account this stops guessing one password from many IPs, for an IP guessing many accounts.
 * State is in the database, so it holds across restarts and replicas.
 */
import { inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { loginThrottle } from "../../db/schema/index.ts";

export interface ThrottlePolicy {
  max: number;
  windowMs: number;
}

export const throttleKeys = (email: string, ip: string) => [`account:${email.trim().toLowerCase()}`, `ip:${ip}`];

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

export async function clearFailures(db: Database, key: string): Promise<void> {
  await db.platform((tx) => tx.delete(loginThrottle).where(inArray(loginThrottle.key, [key])));
}
