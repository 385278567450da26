/**
 * The ticker: one per process. A pass claims every tenant's due schedules in batches (claim.ts;
 * exactly once across replicas), then queues the started tasks on the job engine in one call per
 * batch, after the batch's commit. It wakes at the earliest next_run_at it knows of — learned at
 * the end of every pass — capped at TICK_MS (schedules made by another replica or the console are
 * seen within that), so a due time fires within moments of its time rather than at the next fixed
 * tick; `wake(at)` re-arms it when this process creates or resumes a schedule. Passes never
 * overlap: a wake during a pass runs another pass right after it. The job engine, loaded lazily,
 * is warmed up once a due time is less than WARM_MS away. `now` is injectable for tests;
 * the timer itself runs on real time.
 */
import type { Logger } from "pino";
import { tenantIds } from "../approvals/store.ts";
import type { Database } from "../db/database.ts";
import { BATCH, claimDue, earliestDue, memoNextRun, type TickResult } from "./claim.ts";

export { GRACE_MS, type TickResult } from "./claim.ts";

/** The longest the ticker sleeps: how soon it sees schedules it was not told about. */
export const TICK_MS = 5_000;
const RECHECK_MS = 25;
/** Loading the job engine (lazy, seconds on the embedded database) starts this long before a due time. */
export const WARM_MS = 60_000;

export interface TickerDeps {
  db: Database;
  /** Queues started tasks on the job engine (one call for many). */
  enqueue(tenantId: string, taskIds: string[]): Promise<void>;
  log: Logger;
  now?: () => Date;
  /** Called once a due time is less than WARM_MS away: the job engine boots before, not at, the due time. */
  warm?(): Promise<void>;
}

export class ScheduleTicker {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private started = false;
  private busy = false;
  private again = false;
  /** When the armed timer fires (real time, ms). */
  private wakeAt = Infinity;
  /** The earliest due time seen at the end of the last pass (the injected clock's time). */
  nextDue: Date | null = null;

  constructor(private readonly deps: TickerDeps) {}

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  /** First pass now, then at every earliest due time (at most TICK_MS apart). */
  start(): void {
    this.started = true;
    this.arm(0);
  }

  stop(): void {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wakeAt = Infinity;
  }

  /** A schedule due at `at` was created or resumed here: wake by then (a pass runs at once if it is due). */
  wake(at: Date = this.now()): void {
    if (!this.started) return;
    if (this.busy) return void (this.again = true);
    const delay = at.getTime() - this.now().getTime();
    if (Date.now() + delay < this.wakeAt) this.arm(delay);
  }

  private arm(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    const ms = Math.min(TICK_MS, Math.max(0, delayMs));
    this.wakeAt = Date.now() + ms;
    this.timer = setTimeout(() => void this.pass(), ms);
    this.timer.unref?.();
  }

  private async pass(): Promise<void> {
    this.timer = null;
    this.wakeAt = Infinity;
    await this.tick().catch((e) => this.deps.log.warn({ err: e }, "schedule tick failed"));
    if (!this.started) return;
    if (this.again) return void ((this.again = false), this.arm(0));
    // A due time already past was locked by another claimer: look again shortly, not in a spin.
    this.arm(this.nextDue ? Math.max(RECHECK_MS, this.nextDue.getTime() - this.now().getTime()) : TICK_MS);
  }

  /** One pass over every tenant; returns what it recorded and learns the earliest next due time. */
  async tick(): Promise<TickResult> {
    const total: TickResult = { fired: 0, late: 0, skipped: 0 };
    if (this.busy) return total;
    this.busy = true;
    try {
      const now = this.now();
      const next = memoNextRun();
      let earliest: Date | null = null;
      for (const { id: tenantId } of await tenantIds(this.deps.db)) {
        for (;;) {
          const batch = await this.deps.db.withTenant(tenantId, async (tx) => {
            const b = await claimDue(tx, tenantId, now, total, next);
            return { ...b, due: b.claimed < BATCH ? await earliestDue(tx, tenantId) : null };
          });
          if (batch.started.length) await this.deps.enqueue(tenantId, batch.started);
          if (batch.claimed < BATCH) {
            if (batch.due && (!earliest || batch.due < earliest)) earliest = batch.due;
            break;
          }
        }
      }
      this.nextDue = earliest;
      if (earliest && this.deps.warm && earliest.getTime() - this.now().getTime() < WARM_MS)
        void this.deps.warm().catch((e) => this.deps.log.warn({ err: e }, "job engine warm-up failed"));
    } finally {
      this.busy = false;
    }
    if (total.fired + total.late + total.skipped) this.deps.log.info(total, "schedules ticked");
    return total;
  }
}
