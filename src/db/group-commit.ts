/**
 * Group commit: independent writes of one tenant that become ready at about the same moment share
 * one transaction, and writes of the same kind share set-based statements (`BatchOp.run` gets all
 * of them at once). On PGlite every transaction is serialised and each costs more than the rows it
 * writes, so this is what lets the pipeline scale with load instead of with statements.
 *
 * Invariants:
 * - A caller's promise settles only after the transaction holding its write committed (or failed):
 *   "resolved" still means "durable".
 * - One tenant per transaction (Database.withTenant): tenants are never mixed.
 * - One bad item never fails the others: when a shared transaction fails, each of its items is run
 *   again alone, in its own transaction, and only its own failure is reported to it. Ops must
 *   therefore be pure functions of their items (no side effects outside the transaction).
 * - Adaptive, no timers: a flush starts as soon as the tenant has no flush running (on the next
 *   turn of the event loop, so requests already received join it); under light load a batch is one
 *   item and waits for nothing. One flush per tenant at a time keeps row locks of concurrent
 *   flushes from interleaving (no deadlocks between batches on an external server).
 */
import type { Tx } from "./database.ts";

export interface BatchOp<I, R> {
  /** Groups in one flush run in name order: every flush takes its row locks in the same order. */
  readonly name: string;
  /** Writes all `items` inside `tx`, set-based where it can; one result per item, in order. */
  run(tx: Tx, tenantId: string, items: I[]): Promise<R[]>;
}

type Runner = <T>(tenantId: string, fn: (tx: Tx) => Promise<T>) => Promise<T>;

interface Entry {
  op: BatchOp<unknown, unknown>;
  item: unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Queue {
  pending: Entry[];
  busy: boolean;
}

/** A flush takes at most this many items, so one transaction stays short under a burst. */
const MAX_BATCH = 256;

export class GroupCommit {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly inTenant: Runner) {}

  submit<I, R>(tenantId: string, op: BatchOp<I, R>, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let q = this.queues.get(tenantId);
      if (!q) this.queues.set(tenantId, (q = { pending: [], busy: false }));
      q.pending.push({ op: op as BatchOp<unknown, unknown>, item, resolve: resolve as (v: unknown) => void, reject });
      if (!q.busy) {
        q.busy = true;
        // setImmediate, not a microtask: PGlite never yields to I/O inside a flush, so requests that
        // arrived meanwhile are only read (and join the batch) once the loop gets to them.
        setImmediate(() => void this.drain(tenantId, q));
      }
    });
  }

  private async drain(tenantId: string, q: Queue): Promise<void> {
    try {
      await this.flush(tenantId, q.pending.splice(0, MAX_BATCH));
    } finally {
      // Whatever happened, the queue keeps moving: what arrived meanwhile is the next batch.
      if (q.pending.length) setImmediate(() => void this.drain(tenantId, q));
      else {
        q.busy = false;
        this.queues.delete(tenantId);
      }
    }
  }

  private async flush(tenantId: string, batch: Entry[]): Promise<void> {
    let results: unknown[];
    try {
      results = await this.inTenant(tenantId, (tx) => runGroups(tx, tenantId, batch));
    } catch (e) {
      if (batch.length === 1) return batch[0]!.reject(e);
      for (const entry of batch) {
        const alone = Promise.resolve().then(() => this.inTenant(tenantId, (tx) => entry.op.run(tx, tenantId, [entry.item])));
        await alone.then((r) => entry.resolve(r[0]), entry.reject);
      }
      return;
    }
    batch.forEach((entry, i) => entry.resolve(results[i]));
  }
}

/** Runs each op once over its items; results come back in batch order. */
async function runGroups(tx: Tx, tenantId: string, batch: Entry[]): Promise<unknown[]> {
  const groups = new Map<BatchOp<unknown, unknown>, number[]>();
  batch.forEach((entry, i) => {
    const at = groups.get(entry.op);
    if (at) at.push(i);
    else groups.set(entry.op, [i]);
  });
  const results: unknown[] = new Array(batch.length);
  for (const [op, at] of [...groups].sort(([a], [b]) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const out = await op.run(tx, tenantId, at.map((i) => batch[i]!.item));
    if (out.length !== at.length) throw new Error(`batch op ${op.name} returned ${out.length} results for ${at.length} items`);
    at.forEach((i, k) => (results[i] = out[k]));
  }
  return results;
}
