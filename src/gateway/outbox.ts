/**
 * The outbox: every reply is written down before it is sent, keyed by (inbound event, seq). A reply
 * already marked sent is never sent again, which is what makes a reprocessed event answer at most
 * once. Sends retry with exponential backoff on rate limits and server errors, honouring the
 * channel's Retry-After; a send that finally fails stays in the table as `failed` with its error.
 *
 * Replies are written down set-based (outbox-writes.ts: `prepareMany`, usually in the statement that
 * also stores the turn); a send's progress and final state commit through group commit
 * (db/group-commit.ts), the final one with its settlement (the inbound event's end and the outbound
 * audit entry) in the same statement.
 *
 * In-doubt sends (a row left unsettled by a crash: the platform may have accepted it just before
 * the process died) are never blindly repeated. A channel that can look (`findSent`: Slack finds
 * its reply by the outbox id in the message metadata, web chat's store is the database) says
 * whether it is there: found → marked sent, not found → sent now, so exactly once. A channel that
 * cannot tell (Telegram, WhatsApp) has its row marked `sending` and committed before the first
 * attempt, and only while it holds one of its bot's few send slots (below), so only a reply about to
 * go out or on the wire is in doubt — a reply waiting at a crash (a kill -9 mid-burst) is `pending`,
 * and it is sent, not lost.
 * An in-doubt one gets at most once: not re-sent, it ends `unknown`, is logged and audited, and the
 * console's dashboard counts it. A send that fails after its request may have arrived
 * (SendError.doubt: a connection lost mid-request, a 5xx, a timeout) is retried; a channel that can
 * look looks first, so its retry never posts a second copy.
 *
 * The send window: a channel that cannot look has at most SEND_WINDOW replies per adapter (one bot)
 * between their `sending` mark and their final mark; the rest wait `pending`. Without it a burst of
 * turns (Telegram hands a getUpdates batch's chats on at once) put dozens on the wire together, and a
 * kill -9 wrote all of them off as in doubt. A waiting row is `pending`, so a crash sends it later.
 * A turn takes its answer's slot before it writes the answer down (`claim`, only when one is free),
 * so the answer is written `sending` in the turn's own commit and goes out without a commit between:
 * a crash after that commit finds it in doubt, as it would after a separate mark.
 */
import type { AuditEntry } from "../agent/audit.ts";
import type { Logger } from "pino";
import type { ChannelAdapter, Delivery, OutboundText } from "../channels/types.ts";
import type { Database, Tx } from "../db/database.ts";
import type { Finish } from "./inbox.ts";
import { Semaphore } from "../semaphore.ts";
import { MARK, type Mark, prepareMany } from "./outbox-writes.ts";

export { type Draft, prepareMany } from "./outbox-writes.ts";

// Adapters throw it; it lives with them (src/channels/port.ts).
export { SendError } from "../channels/port.ts";
import { SendError } from "../channels/port.ts";

export interface OutboxOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: Logger;
  /** Told of every failed send attempt; `final` when the reply is given up (/metrics). */
  failed?: (final: boolean) => void;
  /** Told once a settlement that finishes an inbound event committed, with its final status (/metrics). */
  finished?: (status: string) => void;
  /** Replies in flight per adapter of a channel that cannot look (SEND_WINDOW by default). */
  sendWindow?: number;
}

/** Telegram's own flood limit is ~30 messages a second per bot: 4 at once do not hold a reply back. */
export const SEND_WINDOW = 4;

export interface Prepared {
  id: string;
  status: string;
  /** Left unsettled by an earlier attempt (outbox-writes.ts); `deliver` narrows it by the channel. */
  inDoubt?: boolean;
  message: OutboundText;
}

/** Bookkeeping that must commit with the send's final state: the inbound event's end, an audit entry. */
export interface Settlement {
  finish?: Finish;
  audit?: AuditEntry;
}

export type Settle = (outcome: SendOutcome) => Settlement;

export type SendOutcome =
  | { status: "sent"; externalId: string }
  | { status: "already_sent" }
  | { status: "failed"; error: string }
  /** In doubt on a channel that cannot tell whether it arrived: not re-sent (at most once). */
  | { status: "unknown" };

/** The outbound audit entry's summary for an outcome. */
export function describeOutcome(outcome: SendOutcome): string {
  if (outcome.status === "failed") return `failed: ${outcome.error}`;
  if (outcome.status === "unknown") return "unknown: in doubt after a restart, not re-sent";
  return outcome.status;
}

type Sender = Pick<ChannelAdapter, "send" | "findSent">;

/**
 * The adapter for a channel that is not connected right now: its send is a failed send (the row ends
 * `failed`, which a later retry really sends), never an in-doubt one (which a channel that cannot
 * tell, like Telegram, would never re-send).
 */
export const notConnected: Pick<ChannelAdapter, "send"> = {
  send: () => Promise.reject(new SendError("the channel is not connected right now", false)),
};

export class Outbox {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log?: Logger;
  private readonly failed?: (final: boolean) => void;
  private readonly finished?: (status: string) => void;
  private readonly sendWindow: number;
  private readonly windows = new WeakMap<Sender, Semaphore>();

  constructor(
    private readonly db: Database,
    opts: OutboxOptions = {},
  ) {
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.baseDelayMs = opts.baseDelayMs ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.sleep = opts.sleep ?? Bun.sleep;
    this.log = opts.log;
    this.failed = opts.failed;
    this.finished = opts.finished;
    this.sendWindow = opts.sendWindow ?? SEND_WINDOW;
  }

  /** Records and delivers in one go (command answers, refusals, tests). */
  async send(
    route: { tenantId: string; channelId: string },
    key: { inboundEventId: string; seq: number },
    message: OutboundText,
    adapter: Sender,
    settle?: Settle,
  ): Promise<SendOutcome> {
    const prepared = await this.db.withTenant(route.tenantId, (tx) => this.prepare(tx, route, key, message));
    return this.deliver(route.tenantId, prepared, adapter, settle);
  }

  /**
   * Writes the reply down inside the caller's transaction (the one that also stores the assistant
   * turn), or finds the one already written for this key.
   */
  async prepare(tx: Tx, route: { tenantId: string; channelId: string }, key: { inboundEventId: string; seq: number }, message: OutboundText): Promise<Prepared> {
    return (await prepareMany(tx, route.tenantId, [{ channelId: route.channelId, key, message }]))[0]!;
  }

  /**
   * A send slot of a channel that cannot look, taken now if one is free (else null): the caller writes
   * its reply down `sending` (Draft.sending) and hands the slot to `deliver`, or releases it.
   */
  claim(adapter: Sender): (() => void) | null {
    return typeof adapter.findSent === "function" ? null : this.windowOf(adapter).tryAcquire();
  }

  /**
   * Sends a prepared reply unless it was already sent. The final bookkeeping and `settle` (finish
   * the inbound event, audit) commit in one transaction. `slot`: from `claim`, released here.
   */
  async deliver(tenantId: string, prepared: Prepared, adapter: Sender, settle?: Settle, slot?: () => void): Promise<SendOutcome> {
    let release = slot;
    try {
      // `unknown` was settled at most once: sending it now could be the second copy.
      if (prepared.status === "sent" || prepared.status === "unknown") {
        const outcome: SendOutcome = prepared.status === "sent" ? { status: "already_sent" } : { status: "unknown" };
        if (settle) await this.mark(tenantId, { id: null, settlement: settle(outcome) });
        return outcome;
      }
      if (typeof adapter.findSent === "function") return await this.attempt(tenantId, prepared, adapter, settle);
      // Held until the final mark commits: a row counts as in doubt as long as it reads `sending`.
      release ??= await this.windowOf(adapter).acquire();
      return await this.attempt(tenantId, prepared, adapter, settle);
    } finally {
      release?.();
    }
  }

  private windowOf(adapter: Sender): Semaphore {
    let window = this.windows.get(adapter);
    if (!window) this.windows.set(adapter, (window = new Semaphore(this.sendWindow)));
    return window;
  }

  private async attempt(tenantId: string, prepared: Prepared, adapter: Sender, settle?: Settle): Promise<SendOutcome> {
    const canLook = typeof adapter.findSent === "function";
    // A channel that cannot look only ever attempts a row already marked `sending`: its `pending` row was never tried.
    const delivery: Delivery = { outboxId: prepared.id, inDoubt: prepared.inDoubt === true && (canLook || prepared.status === "sending") };
    if (!canLook && prepared.status === "pending") await this.mark(tenantId, { id: prepared.id, status: "sending" });
    let lastError = "";
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        if (delivery.inDoubt) {
          // Looking can fail like a send (the channel is down): then this attempt failed, and the next looks again.
          const settled = await this.resolveDoubt(tenantId, prepared, adapter, delivery, settle);
          if (settled) return settled; // else: not (wholly) there; send skips what the channel already has
        }
        const { externalId, partIds } = await adapter.send(prepared.message, delivery);
        const outcome: SendOutcome = { status: "sent", externalId };
        await this.mark(tenantId, { id: prepared.id, status: "sent", externalId, externalPartIds: partIds?.slice(0, 200), lastError: null, attempts: attempt, settlement: settle?.(outcome) });
        return outcome;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
        const retryable = e instanceof SendError ? e.retryable : false;
        // The request may be on the channel: one that can look does before the next attempt, so a
        // retry never posts a second copy. One that cannot retries: a lost connection is usually a
        // stale socket the request never reached, and a timeout cannot be told from a connection
        // that never came up (an outage) — writing those off would lose the answer.
        if (e instanceof SendError && e.doubt && canLook) delivery.inDoubt = true;
        this.failed?.(!retryable || attempt === this.maxAttempts);
        if (!retryable || attempt === this.maxAttempts) {
          const outcome: SendOutcome = { status: "failed", error: lastError };
          await this.mark(tenantId, { id: prepared.id, status: "failed", lastError, attempts: attempt, settlement: settle?.(outcome) });
          return outcome;
        }
        await this.mark(tenantId, { id: prepared.id, lastError, attempts: attempt });
        const hinted = e instanceof SendError ? e.retryAfterMs : undefined;
        const backoff = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        await this.sleep(hinted !== undefined ? Math.min(this.maxDelayMs, hinted) : backoff);
      }
    }
    throw new Error("unreachable");
  }

  /** Settles an in-doubt send without sending, or returns null when it must be sent (again). */
  private async resolveDoubt(tenantId: string, prepared: Prepared, adapter: Sender, delivery: Delivery, settle?: Settle): Promise<SendOutcome | null> {
    const where = { tenant: tenantId, outbox: prepared.id, chat: prepared.message.chatKey };
    if (!adapter.findSent) {
      const outcome: SendOutcome = { status: "unknown" };
      this.log?.warn(where, "reply in doubt after a restart and the channel cannot tell whether it arrived: not re-sent (at most once)");
      await this.mark(tenantId, { id: prepared.id, status: "unknown", lastError: "in doubt after a restart: not re-sent", settlement: settle?.(outcome) });
      return outcome;
    }
    let found: string | null;
    try {
      found = await adapter.findSent(prepared.message, delivery);
    } catch (e) {
      if (!(e instanceof SendError) || e.retryable) throw e;
      // Refused for good (say, an app without the history scope): the next attempt could not look
      // either. Sent without looking rather than not at all: a lost answer is worse than a rare copy.
      this.log?.warn({ ...where, error: e.message }, "reply in doubt and the channel refused the look: sent without looking");
      delivery.inDoubt = false;
      return null;
    }
    if (found === null) return null;
    this.log?.info(where, "reply in doubt was already on the channel: not sent again");
    const outcome: SendOutcome = { status: "sent", externalId: found };
    await this.mark(tenantId, { id: prepared.id, status: "sent", externalId: found, lastError: null, settlement: settle?.(outcome) });
    return outcome;
  }

  private async mark(tenantId: string, mark: Mark): Promise<void> {
    await this.db.batched(tenantId, MARK, mark);
    if (mark.settlement?.finish) this.finished?.(mark.settlement.finish.status);
  }
}
