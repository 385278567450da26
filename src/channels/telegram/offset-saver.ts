/**
 * Saves a long poller's update offset in the background, at most once per SAVE_EVERY_MS, instead
 * of one database transaction per update (on the embedded database that transaction was a fifth of
 * a Telegram message's main-thread cost).
 *
 * Why deferring is safe: the offset only ever moves past updates already handed on durably, and
 * Telegram forgets an update once getUpdates is called with an offset past it — which the poller
 * does at once, saved or not. The saved offset only tells a restarted process (or a new lease
 * holder) where to resume; one a little behind makes Telegram return its oldest unconfirmed update
 * instead, and anything handed on twice is a duplicate the inbox acknowledges without processing.
 * A clean stop saves the last offset (close()). Saves never overlap and never go backwards; a save
 * refused by the lease (another replica holds it) calls `lost`, one that fails is retried later.
 */
import type { Logger } from "pino";
import type { CursorStore } from "../port.ts";

export const SAVE_EVERY_MS = 1_000;

export class OffsetSaver {
  private pending: number | undefined;
  private saved: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flight: Promise<void> | undefined;
  private lastSave = 0;
  private closed = false;

  constructor(
    private readonly cursor: Pick<CursorStore, "save">,
    private readonly lost: () => void,
    private readonly log: Logger,
    private readonly everyMs = SAVE_EVERY_MS,
  ) {}

  /** The offset moved past updates handed on durably: saved within `everyMs`. */
  moved(offset: number): void {
    if (this.closed) return;
    this.pending = offset;
    if (this.timer || this.flight) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, Math.max(0, this.lastSave + this.everyMs - Date.now()));
  }

  /** Stops the schedule and saves what is left (a clean stop; not after the lease was lost). */
  async close(save: boolean): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flight;
    if (save) await this.flush();
  }

  private flush(): Promise<void> {
    this.flight ??= (async () => {
      try {
        const offset = this.pending;
        if (offset === undefined || offset === this.saved) return;
        this.lastSave = Date.now();
        if (!(await this.cursor.save(String(offset)))) return this.lost();
        this.saved = offset;
      } catch (e) {
        this.log.warn({ error: String(e) }, "telegram polling: could not save the update offset; retrying");
      } finally {
        this.flight = undefined;
      }
      // Moved while saving, or the save failed: the next save is due on the usual schedule.
      if (this.pending !== undefined && this.pending !== this.saved) this.moved(this.pending);
    })();
    return this.flight;
  }
}
