/**
 * Lets background writes (a large document's chunks and vectors) wait for the embedded database to
 * be quiet. PGlite runs on the server's thread, and one HNSW insert holds it for ~10–20 ms: written
 * back to back, they queue in front of every chat turn's transactions. So the bulk writer asks
 * `whenQuiet()` first: it resolves once no foreground transaction is open and none has ended in the
 * last `quietMs` (a turn between two of its statements is usually back within that), or after
 * `maxWaitMs` so bulk work still moves under a chat load that never pauses. The external database
 * answers on its own processes: there the gate is always open.
 */
export class QuietGate {
  private open = 0;
  private lastEnd = 0;

  constructor(private readonly enabled: boolean) {}

  /** Counts `work` as foreground while it runs. */
  track<T>(work: Promise<T>): Promise<T> {
    if (!this.enabled) return work;
    this.open++;
    return work.finally(() => {
      this.open--;
      this.lastEnd = performance.now();
    });
  }

  /** Whether foreground work ran at any point since `t` (performance.now()): is there anyone to make room for? */
  busySince(t: number): boolean {
    return this.enabled && (this.open > 0 || this.lastEnd > t);
  }

  async whenQuiet(quietMs = 10, maxWaitMs = 500): Promise<void> {
    if (!this.enabled) return;
    const until = performance.now() + maxWaitMs;
    for (;;) {
      const now = performance.now();
      if (now >= until) return;
      if (this.open === 0 && now - this.lastEnd >= quietMs) return;
      await new Promise<void>((r) => setTimeout(r, this.open ? 2 : Math.max(1, quietMs - (now - this.lastEnd))));
    }
  }
}
