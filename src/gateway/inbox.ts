/**
 * The durable inbox: an inbound message is recorded before the channel is acknowledged and, on the
 * live path, claimed by the recording process in the same statement (it is processed at once, not
 * polled). Redeliveries of the same channel event land on the same row (unique eventKey), so they
 * are acknowledged but never processed twice.
 *
 * Recording is set-based (inbox-writes.ts): on the live path, events arriving at the same moment
 * share one statement and one transaction (group commit), each with its inbound audit entry.
 *
 * Claims are leases: `owner` is the claiming process (stable per data dir, so a restarted process
 * knows its own orphans at once) and `lease_until` is renewed while it works; the process also
 * beats in `inbox_replicas`. A claim whose owner died — lease run out and no heartbeat — is taken
 * over by whoever sweeps then: another replica, or the same host after a restart.
 *
 * Per-chat order across processes: an event runs only when no earlier unfinished event of its chat
 * is held by another process (this process queues its own in memory, pipeline.ts). A recorder
 * finds that out in the recording statement itself (no extra transaction on the hot path); an
 * event recorded behind another process's is inserted `pending` (held) and claimed with
 * `claimHeld` once it heads its chat — the only extra transactions, paid by contended chats alone.
 * Takeover keeps the order: a dead owner's events are claimed oldest first, each only as its
 * chat's head.
 */
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { AuditEntry } from "../agent/audit.ts";
import type { InboundMessage } from "../channels/types.ts";
import type { Database, Tx } from "../db/database.ts";
import type { BatchOp } from "../db/group-commit.ts";
import { inboundEvents, inboxReplicas, tenants } from "../db/schema/index.ts";
import { type Arrival, recordArrivals } from "./inbox-writes.ts";

export { type Finish, finishPart } from "./inbox-writes.ts";


export interface Route {
  tenantId: string;
  channelId: string;
}

export interface Recorded {
  id: string;
  /** True when this channel event was already recorded (a retry or a re-poll). */
  duplicate: boolean;
  /** Recorded unclaimed behind an earlier event of its chat held elsewhere: run it after `claimHeld`. */
  held: boolean;
}

export interface Claimed {
  id: string;
  channelId: string;
  message: InboundMessage;
}

export type FinalStatus = "done" | "failed" | "ignored";

export interface InboxOptions {
  /** This process's identity in claims. */
  owner: string;
  leaseMs?: number;
  /** Told of an event finished through `finish`, with its final status (/metrics). */
  finished?: (status: FinalStatus) => void;
}

export class Inbox {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly finished?: (status: FinalStatus) => void;

  constructor(
    private readonly db: Database,
    opts: InboxOptions,
  ) {
    this.owner = opts.owner;
    this.leaseMs = opts.leaseMs ?? 120_000;
    this.finished = opts.finished;
  }

  /**
   * Records the event, claimed by this process. `alongside` runs in the same transaction for a new
   * event, so the record and what goes with it commit together.
   */
  async record(route: Route, message: InboundMessage, alongside?: (tx: Tx, id: string) => Promise<void>): Promise<Recorded> {
    return this.db.withTenant(route.tenantId, async (tx) => {
      const [recorded] = await recordArrivals(tx, route.tenantId, this.newClaim(), [{ channelId: route.channelId, message }]);
      if (!recorded!.duplicate) await alongside?.(tx, recorded!.id);
      return recorded!;
    });
  }

  /**
   * The live path: records the event with its inbound audit entry, sharing the transaction (and the
   * statement) with whatever else of this tenant is being recorded at the same moment.
   */
  submit(route: Route, message: InboundMessage, audit: AuditEntry): Promise<Recorded> {
    return this.db.batched(route.tenantId, this.recordOp, { channelId: route.channelId, message, audit });
  }

  private readonly recordOp: BatchOp<Arrival, Recorded> = { name: "inbox.record", run: (tx, tenantId, items) => recordArrivals(tx, tenantId, this.newClaim(), items) };

  /** A new claim by this process, as recorded events carry it. */
  private newClaim() {
    return { owner: this.owner, leaseUntil: this.leaseEnd(), serialize: this.db.mode === "external" };
  }

  /**
   * Takes over an unfinished event: pending ones, this process's own (left by its previous life),
   * and others' whose lease ran out. Returns the message, or null if it is not claimable.
   * `sweep`: a running process's periodic sweep (see `claimable`), not the start-up recovery.
   */
  async claim(tenantId: string, id: string, sweep = false): Promise<{ channelId: string; message: InboundMessage } | null> {
    return this.db.withTenant(tenantId, async (tx) => {
      const [row] = await tx
        .update(inboundEvents)
        .set({ status: "processing", owner: this.owner, leaseUntil: this.leaseEnd(), attempts: sql`${inboundEvents.attempts} + 1` })
        .where(and(eq(inboundEvents.id, id), this.claimable(sweep), this.headOfChat()))
        .returning({ channelId: inboundEvents.channelId, message: inboundEvents.message });
      return row ? { channelId: row.channelId, message: row.message as InboundMessage } : null;
    });
  }

  /**
   * Claims those of this process's held events that now head their chat (one per chat per call);
   * `waiting` are the ones still held. An id in neither was taken over or finished elsewhere.
   */
  async claimHeld(tenantId: string, ids: string[]): Promise<{ claimed: Claimed[]; waiting: Set<string> }> {
    return this.db.withTenant(tenantId, async (tx) => {
      const rows = await tx
        .update(inboundEvents)
        .set({ status: "processing", owner: this.owner, leaseUntil: this.leaseEnd(), attempts: sql`${inboundEvents.attempts} + 1` })
        .where(and(inArray(inboundEvents.id, ids), eq(inboundEvents.status, "pending"), this.headOfChat()))
        .returning({ id: inboundEvents.id, channelId: inboundEvents.channelId, message: inboundEvents.message, arrival: inboundEvents.arrival });
      const left = await tx
        .select({ id: inboundEvents.id })
        .from(inboundEvents)
        .where(and(inArray(inboundEvents.id, ids), eq(inboundEvents.status, "pending")));
      rows.sort((x, y) => x.arrival - y.arrival);
      return { claimed: rows.map((r) => ({ id: r.id, channelId: r.channelId, message: r.message as InboundMessage })), waiting: new Set(left.map((r) => r.id)) };
    });
  }

  /** Marks the event finished inside the caller's transaction (with the reply's bookkeeping). */
  async finish(tx: Tx, id: string, status: FinalStatus, error?: string): Promise<void> {
    await tx
      .update(inboundEvents)
      .set({ status, error: error ?? null, processedAt: sql`now()`, leaseUntil: null })
      .where(eq(inboundEvents.id, id));
    // Counted once written: the rare transaction that fails after this line still counts (a metric, not a ledger).
    this.finished?.(status);
  }

  /**
   * Extends this process's claims on events it is still working on. Rows another transaction holds
   * are skipped, not waited for: that is a flush finishing them (it locks many rows in its own
   * order — waiting here deadlocked with it), a turn of this process writing its journal, or a
   * takeover. A skipped row's lease may then lapse while this process works on it, which is why
   * another replica also needs this process to be dead (`heartbeat`) before it takes the row.
   */
  async renew(tenantId: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.db.withTenant(tenantId, (tx) => {
      const mine = tx
        .select({ id: inboundEvents.id })
        .from(inboundEvents)
        .where(and(inArray(inboundEvents.id, ids), eq(inboundEvents.owner, this.owner), eq(inboundEvents.status, "processing")))
        .for("no key update", { skipLocked: true });
      return tx.update(inboundEvents).set({ leaseUntil: this.leaseEnd() }).where(inArray(inboundEvents.id, mine));
    });
  }

  /**
   * This process is alive for another lease: one row of its own, locked by nothing else, so no
   * turn or flush can delay it the way they delay a claim's row lease (called with every renewal).
   */
  async heartbeat(): Promise<void> {
    const until = this.leaseEnd();
    await this.db.platform(async (tx) => {
      await tx.insert(inboxReplicas).values({ owner: this.owner, aliveUntil: until }).onConflictDoUpdate({ target: inboxReplicas.owner, set: { aliveUntil: until } });
      // Replicas that are long gone (a pod's data dir, hence its owner id, dies with it): a few rows, kept a day.
      await tx.delete(inboxReplicas).where(lt(inboxReplicas.aliveUntil, sql`now() - interval '1 day'`));
    });
  }

  /** Every claimable unfinished event of every tenant, oldest first per tenant (`sweep`: see `claimable`). */
  async unfinished(sweep = false): Promise<{ tenantId: string; id: string }[]> {
    const ids = await this.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants));
    const out: { tenantId: string; id: string }[] = [];
    for (const { id: tenantId } of ids) {
      const rows = await this.db.withTenant(tenantId, (tx) =>
        tx.select({ id: inboundEvents.id }).from(inboundEvents).where(this.claimable(sweep)).orderBy(inboundEvents.arrival),
      );
      out.push(...rows.map((r) => ({ tenantId, id: r.id })));
    }
    return out;
  }

  /**
   * At start-up (`sweep` false) this process takes everything its previous life left (same owner)
   * at once. A running process's sweep takes only what nobody alive is on: its own claims are live
   * work (an event just recorded and not yet queued would otherwise be claimed twice by its own
   * recorder), and a `pending` event is held by its live recorder, which polls it
   * (`claimHeld`) — a sweep takes it only once it has waited a whole lease (its recorder died).
   */
  private claimable(sweep = false) {
    // A lapsed lease alone does not orphan another's claim: its owner must also have stopped
    // beating. This process's own lapsed claim is one it lost track of (the sweep's caller skips
    // what it is working on), so it takes it back — its heartbeat must not lock it out.
    const lapsed = or(isNull(inboundEvents.leaseUntil), lt(inboundEvents.leaseUntil, sql`now()`));
    const expired = and(
      lapsed,
      or(
        eq(inboundEvents.owner, this.owner),
        sql`not exists (select 1 from inbox_replicas r where r.owner = inbound_events.owner and r.alive_until > now())`,
      ),
    );
    if (sweep)
      return or(
        and(eq(inboundEvents.status, "pending"), lt(inboundEvents.receivedAt, sql`now() - make_interval(secs => ${this.leaseMs / 1000})`)),
        and(eq(inboundEvents.status, "processing"), expired),
      );
    return or(eq(inboundEvents.status, "pending"), and(eq(inboundEvents.status, "processing"), or(eq(inboundEvents.owner, this.owner), expired)));
  }

  /** No earlier unfinished event of the same chat, other than ones this process is working on. */
  private headOfChat() {
    return sql`not exists (select 1 from inbound_events e
      where e.tenant_id = inbound_events.tenant_id and e.channel_id = inbound_events.channel_id and e.chat_key = inbound_events.chat_key
        and e.arrival < inbound_events.arrival and e.status in ('pending', 'processing')
        and not (e.status = 'processing' and e.owner = ${this.owner}::text))`;
  }

  private leaseEnd(): Date {
    return new Date(Date.now() + this.leaseMs);
  }
}
