/**
 * Each chat's last window, kept in memory so the next turn reads only the turns stored since
 * (issue 11: a turn's cost must not grow with the conversation; the window of a long conversation
 * was ~250 rows read, shipped and parsed on every turn).
 *
 * Invariants:
 * - Only where one process is the only writer and transactions run one at a time (the embedded
 *   database): then every turn stored after a cached one has a later (created_at, id), so "after the
 *   cursor" is exactly what is new. On a shared server a transaction that started earlier may commit
 *   a turn behind the cursor later; there the window is read whole.
 * - A cached window is used only while its conversation's `history_epoch` is unchanged: a trigger
 *   moves it whenever a turn is deleted or changed, or stored with a time before its transaction began
 *   (migration 0058), so erasure, retention and imports never leave a stale window behind.
 * - Entries are kept only once the transaction that read them committed (`TurnOpener`, turn-store):
 *   a rolled-back read never reaches the cache.
 * - Bounded by the characters it holds (least recently used chats go first), and by time: a window
 *   unused for IDLE_MS is dropped, so what retention deletes does not live on here. An erasure drops
 *   its conversations' windows at once (`forgetConversations`), in every cache of the process.
 */

/** A stored turn as the window holds it; `at` is created_at as the server's text (microseconds). */
export interface WindowRow {
  id: string;
  at: string;
  role: string;
  content: string;
  tokens: number;
}

export interface CachedWindow {
  conversationId: string;
  epoch: number;
  /** Newest first: the conversation's newest turns up to the read that made this entry. */
  rows: WindowRow[];
  /** `rows` reach back to the conversation's first turn. */
  complete: boolean;
}

/** Four million characters of turn text (4–8 MB): hundreds of long chats' windows. */
const MAX_CHARS = 4_000_000;
/** A chat quiet this long reads its window afresh (one statement's worth, once). */
const IDLE_MS = 15 * 60_000;

/** Every cache of the process, for an erasure to reach (weakly held: a dropped handler's cache goes). */
const live = new Set<WeakRef<WindowCache>>();

/** Drops the windows of these conversations from every cache of the process (after an erasure). */
export function forgetConversations(ids: Iterable<string>): void {
  const gone = new Set(ids);
  for (const ref of live) {
    const cache = ref.deref();
    if (cache) cache.forget(gone);
    else live.delete(ref);
  }
}

export class WindowCache {
  private readonly entries = new Map<string, { window: CachedWindow; chars: number; used: number }>();
  private chars = 0;

  constructor(
    private readonly maxChars = MAX_CHARS,
    private readonly idleMs = IDLE_MS,
    private readonly now = () => performance.now(),
  ) {
    live.add(new WeakRef(this));
  }

  /** The chat's window, freshened as most recently used. */
  get(chat: string): CachedWindow | undefined {
    const e = this.entries.get(chat);
    if (!e) return undefined;
    this.entries.delete(chat);
    if (e.used < this.now() - this.idleMs) return void (this.chars -= e.chars);
    e.used = this.now();
    this.entries.set(chat, e);
    return e.window;
  }

  set(chat: string, window: CachedWindow): void {
    this.delete(chat);
    if (!window.rows.length) return;
    const chars = window.rows.reduce((n, r) => n + r.content.length + 64, 0);
    if (chars > this.maxChars) return;
    const now = this.now();
    this.entries.set(chat, { window, chars, used: now });
    this.chars += chars;
    // Least recently used first: drop while over the bound or idle too long.
    for (const [key, e] of this.entries) {
      if (this.chars <= this.maxChars && e.used >= now - this.idleMs) break;
      this.entries.delete(key);
      this.chars -= e.chars;
    }
  }

  forget(conversations: Set<string>): void {
    for (const [key, e] of this.entries) if (conversations.has(e.window.conversationId)) this.delete(key);
  }

  delete(chat: string): void {
    const e = this.entries.get(chat);
    if (!e) return;
    this.entries.delete(chat);
    this.chars -= e.chars;
  }

  get size(): number {
    return this.entries.size;
  }
}
