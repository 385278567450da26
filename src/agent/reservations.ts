/**
 * Cluster-wide budgets: before a model call of an agent with a cap, the most the call can cost is
 * reserved in budget_reservations; it is settled — deleted — in the transaction that records the
 * call's usage (ledgerParts), or lapses at its expiry when its process died mid-call. What a call may
 * spend is the cap minus recorded usage minus every live reservation, decided under the agent's
 * advisory lock, so turns on several replicas (or in one process) cannot spend the same room twice.
 *
 * Guarantee: recorded spend + live reservations ≤ cap, and a call is bounded by its reservation
 * (budget.ts), so spend stays within the cap — up to what a provider's own prompt token count adds
 * to our (over-)estimate. When less is free than a call wants and others hold reservations, the
 * call waits for them to settle (they usually spend less than they held): near the cap, an agent's
 * calls run one after another across the cluster.
 */
import { sql } from "drizzle-orm";
import type { Database, Tx } from "../db/database.ts";
import { newId, type Part, rowsOf, uuidArray } from "../db/set-sql.ts";
import { type Caps, type Headroom, headroom } from "./budget.ts";
import { agentSpend, checkBudget } from "./usage.ts";

/** A reservation outlives any model call (provider timeouts are minutes at most) — then lapses. */
export const RESERVATION_TTL_MS = 15 * 60_000;
/** How long a call waits for others' reservations to settle before taking what is free. */
export const RESERVATION_WAIT_MS = 30_000;
const POLL_MS = 200;

export interface ReserveRequest {
  tenantId: string;
  agentId: string;
  caps: Caps;
  /** This turn's spend its ledger has not written yet. */
  own: number;
  /** This turn's reservations not settled yet (already counted in `own` once their call ended). */
  mine: string[];
  /** The most the call can cost (budget.ts callCeiling); 0: free, nothing to hold. */
  want: number;
  waitMs?: number;
  signal?: AbortSignal;
}

/** Stop with the reason, or go on bounded by `room` (id: the reservation to settle, null if none). */
export type Reservation = { stop: string } | { id: string | null; room: Headroom };

export async function reserve(db: Database, r: ReserveRequest): Promise<Reservation> {
  const deadline = Date.now() + (r.waitMs ?? RESERVATION_WAIT_MS);
  for (;;) {
    const last = Date.now() >= deadline || !!r.signal?.aborted;
    const out = await db.withTenant(r.tenantId, (tx) => attempt(tx, r, last));
    if (out !== "wait") return out;
    await Bun.sleep(POLL_MS);
  }
}

async function attempt(tx: Tx, r: ReserveRequest, last: boolean): Promise<Reservation | "wait"> {
  // Reservers of one agent take turns for the few statements below (not for the call).
  await rowsOf(tx, sql`select pg_advisory_xact_lock(hashtextextended(${`budget ${r.agentId}`}, 0))`);
  const [held] = await rowsOf<{ usd: string; n: number }>(
    tx,
    sql`with lapsed as (delete from budget_reservations where tenant_id = ${r.tenantId}::uuid and agent_id = ${r.agentId}::uuid and expires_at <= now())
      select coalesce(sum(usd), 0) as usd, count(*)::int as n from budget_reservations
      where tenant_id = ${r.tenantId}::uuid and agent_id = ${r.agentId}::uuid and expires_at > now() and not (id = any(${uuidArray(r.mine)}))`,
  );
  const recorded = await agentSpend(tx, r.agentId);
  const others = Number(held!.usd);
  const spent = { today: recorded.today + r.own + others, month: recorded.month + r.own + others };
  const verdict = checkBudget(r.caps, spent);
  const waiting = held!.n > 0 && !last;
  if (!verdict.allowed) return waiting ? "wait" : { stop: verdict.reason! };
  const room = headroom(r.caps, spent)!;
  if (r.want <= 0) return { id: null, room };
  if (room.usd < r.want && waiting) return "wait";
  const usd = Math.min(room.usd, r.want);
  const id = newId();
  await rowsOf(
    tx,
    sql`insert into budget_reservations (tenant_id, id, agent_id, usd, expires_at)
      values (${r.tenantId}::uuid, ${id}::uuid, ${r.agentId}::uuid, ${usd.toFixed(9)}::numeric, now() + ${`${RESERVATION_TTL_MS} milliseconds`}::interval)`,
  );
  return { id, room: { ...room, usd } };
}

/** Settles reservations in the transaction that records their calls' usage (a ledger part). */
export function settlePart(reservations: { tenantId: string; id: string }[]): Part {
  if (!reservations.length) return null;
  return [
    "budget_settle",
    sql`delete from budget_reservations where tenant_id = any(${uuidArray([...new Set(reservations.map((r) => r.tenantId))])}) and id = any(${uuidArray(reservations.map((r) => r.id))})`,
  ];
}
