/**
 * The resume point of a polling connection, and on external Postgres the lease that lets exactly
 * one replica poll it (Telegram answers 409 to a second long poller of the same bot).
 *
 * Invariants: the lease lives in the connection's channel_cursors row (tenant-owned, under RLS); a
 * replica takes it only when it is free, its own, or expired, and every change of holder raises
 * lease_epoch. The holder saves offsets only under the epoch it took (fencing): a replica that
 * stalled past its lease and woke up cannot move the offset of the new owner. The embedded
 * database is one process by construction (data-lock.ts), so there the lease is always held and
 * nothing is written for it — the single appliance behaves as before.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { channelCursors } from "../db/schema/index.ts";
import type { CursorStore } from "./connections.ts";

/** A dead owner's lease runs out after this long; holders renew at a third of it. */
export const LEASE_TTL_MS = 6_000;

export interface PollerLeaseOptions {
  db: Database;
  tenantId: string;
  channelId: string;
  /** This process's identity (a new one per start, so a restarted replica never inherits a stale lease). */
  holder: string;
  /** Told when this replica takes or loses the lease (for /metrics). */
  onChange?(held: boolean): void;
}

export function leasedCursor(o: PollerLeaseOptions): CursorStore {
  const { db, tenantId, channelId, holder } = o;
  const leased = db.mode === "external";
  let epoch = 0;
  let held = false;
  const mine = () => and(eq(channelCursors.channelId, channelId), eq(channelCursors.leaseHolder, holder), eq(channelCursors.leaseEpoch, epoch));
  const setHeld = (now: boolean) => {
    if (now !== held) o.onChange?.(now);
    held = now;
  };
  return {
    load: async () => {
      const [row] = await db.withTenant(tenantId, (tx) => tx.select({ cursor: channelCursors.cursor }).from(channelCursors).where(eq(channelCursors.channelId, channelId)));
      return row?.cursor || null;
    },
    save: async (cursor) => {
      if (!leased) {
        await db.withTenant(tenantId, (tx) =>
          tx
            .insert(channelCursors)
            .values({ tenantId, channelId, cursor })
            .onConflictDoUpdate({ target: [channelCursors.tenantId, channelCursors.channelId], set: { cursor, updatedAt: sql`now()` } }),
        );
        return true;
      }
      const rows = await db.withTenant(tenantId, (tx) =>
        tx.update(channelCursors).set({ cursor, updatedAt: sql`now()` }).where(mine()).returning({ epoch: channelCursors.leaseEpoch }),
      );
      if (rows.length === 0) setHeld(false);
      return rows.length > 0;
    },
    claim: async () => {
      if (!leased) return (setHeld(true), true);
      const until = sql`now() + make_interval(secs => ${LEASE_TTL_MS / 1000})`;
      const rows = await db.withTenant(tenantId, (tx) =>
        tx
          .insert(channelCursors)
          .values({ tenantId, channelId, cursor: "", leaseHolder: holder, leaseEpoch: 1, leaseUntil: until })
          .onConflictDoUpdate({
            target: [channelCursors.tenantId, channelCursors.channelId],
            set: {
              leaseHolder: holder,
              leaseEpoch: sql`case when ${channelCursors.leaseHolder} = ${holder} then ${channelCursors.leaseEpoch} else ${channelCursors.leaseEpoch} + 1 end`,
              leaseUntil: until,
            },
            setWhere: sql`${channelCursors.leaseHolder} is null or ${channelCursors.leaseHolder} = ${holder} or ${channelCursors.leaseUntil} < now()`,
          })
          .returning({ epoch: channelCursors.leaseEpoch }),
      );
      const next = rows[0]?.epoch;
      // Held before under another epoch means someone else held it in between: not the same lease.
      const ok = next !== undefined && (!held || next === epoch);
      if (next !== undefined) epoch = next;
      setHeld(ok);
      return ok;
    },
    release: async () => {
      if (!held) return;
      setHeld(false);
      if (!leased) return;
      await db.withTenant(tenantId, (tx) => tx.update(channelCursors).set({ leaseHolder: null, leaseUntil: null }).where(mine()));
    },
  };
}
