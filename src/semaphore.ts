/**
 * A counting semaphore with a FIFO queue: at most `size` holders, waiters served in arrival order
 * so a burst cannot starve an early caller. A waiter whose signal aborts leaves the queue at once
 * (and never takes a slot); a release hands the slot straight to the next waiter, so a newcomer
 * can never overtake the queue between release and wake-up.
 */
export class Semaphore {
  #free: number;
  readonly #queue: Array<() => void> = [];

  constructor(readonly size: number) {
    this.#free = Math.max(1, Math.floor(size));
  }

  /** Holders right now. */
  get inUse(): number {
    return Math.max(1, Math.floor(this.size)) - this.#free;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /** Resolves with a release function (idempotent); rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#free > 0 && this.#queue.length === 0) {
      this.#free--;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(this.#releaser());
      };
      const onAbort = () => {
        const at = this.#queue.indexOf(grant);
        if (at >= 0) this.#queue.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(grant);
    });
  }

  /** A slot now, or null when none is free or others wait (never overtakes the queue). */
  tryAcquire(): (() => void) | null {
    if (this.#free === 0 || this.#queue.length > 0) return null;
    this.#free--;
    return this.#releaser();
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      if (next) next();
      else this.#free++;
    };
  }
}
