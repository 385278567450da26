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
 */
import type { AuditEntry } from "../agent/audit.ts";
import type { ChannelAdapter, OutboundText } from "../channels/types.ts";
import type { Database, Tx } from "../db/database.ts";
import type { Finish } from "./inbox.ts";
import { MARK, type Mark, prepareMany } from "./outbox-writes.ts";

export { type Draft, prepareMany } from "./outbox-writes.ts";

/** What adapters throw when a send fails; `retryable` for 429/5xx/network, with the peer's hint. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "SendError";
  }
}

export interface OutboxOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Prepared {
  id: string;
  status: string;
  message: OutboundText;
}

/** Bookkeeping that must commit with the send's final state: the inbound event's end, an audit entry. */
export interface Settlement {
  finish?: Finish;
  audit?: AuditEntry;
}

export type Settle = (outcome: SendOutcome) => Settlement;

export type SendOutcome = { status: "sent"; externalId: string } | { status: "already_sent" } | { status: "failed"; error: string };

export class Outbox {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly db: Database,
    opts: OutboxOptions = {},
  ) {
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.baseDelayMs = opts.baseDelayMs ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.sleep = opts.sleep ?? Bun.sleep;
  }

  /** Records and delivers in one go (command answers, refusals, tests). */
  async send(
    route: { tenantId: string; channelId: string },
    key: { inboundEventId: string; seq: number },
    message: OutboundText,
    adapter: Pick<ChannelAdapter, "send">,
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
   * Sends a prepared reply unless it was already sent. The final bookkeeping and `settle` (finish
   * the inbound event, audit) commit in one transaction.
   */
  async deliver(tenantId: string, prepared: Prepared, adapter: Pick<ChannelAdapter, "send">, settle?: Settle): Promise<SendOutcome> {
    if (prepared.status === "sent") {
      const outcome: SendOutcome = { status: "already_sent" };
      if (settle) await this.mark(tenantId, { id: null, settlement: settle(outcome) });
      return outcome;
    }
    let lastError = "";
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        const { externalId } = await adapter.send(prepared.message);
        const outcome: SendOutcome = { status: "sent", externalId };
        await this.mark(tenantId, { id: prepared.id, status: "sent", externalId, lastError: null, attempts: attempt, settlement: settle?.(outcome) });
        return outcome;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
        const retryable = e instanceof SendError ? e.retryable : false;
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

  private mark(tenantId: string, mark: Mark): Promise<void> {
    return this.db.batched(tenantId, MARK, mark);
  }
}
