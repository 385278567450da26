/**
 * The outbox: every reply is written down before it is sent, keyed by (inbound event, seq). A reply
 * already marked sent is never sent again, which is what makes a reprocessed event answer at most
 * once. Sends retry with exponential backoff on rate limits and server errors, honouring the
 * channel's Retry-After; a send that finally fails stays in the table as `failed` with its error.
 */
import { and, eq } from "drizzle-orm";
import type { ChannelAdapter, OutboundText } from "../channels/types.ts";
import type { Database } from "../db/database.ts";
import { outboundMessages } from "../db/schema/index.ts";

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

  async send(
    route: { tenantId: string; channelId: string },
    key: { inboundEventId: string; seq: number },
    message: OutboundText,
    adapter: Pick<ChannelAdapter, "send">,
  ): Promise<SendOutcome> {
    const row = await this.db.withTenant(route.tenantId, async (tx) => {
      await tx
        .insert(outboundMessages)
        .values({ tenantId: route.tenantId, channelId: route.channelId, ...key, chatKey: message.chatKey, text: message.text })
        .onConflictDoNothing();
      const [r] = await tx
        .select({ id: outboundMessages.id, status: outboundMessages.status })
        .from(outboundMessages)
        .where(and(eq(outboundMessages.inboundEventId, key.inboundEventId), eq(outboundMessages.seq, key.seq)));
      return r!;
    });
    if (row.status === "sent") return { status: "already_sent" };

    let lastError = "";
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        const { externalId } = await adapter.send(message);
        await this.mark(route.tenantId, row.id, { status: "sent", externalId, lastError: null, attempts: attempt, sentAt: new Date() });
        return { status: "sent", externalId };
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
        const retryable = e instanceof SendError ? e.retryable : false;
        await this.mark(route.tenantId, row.id, { lastError, attempts: attempt });
        if (!retryable || attempt === this.maxAttempts) break;
        const hinted = e instanceof SendError ? e.retryAfterMs : undefined;
        const backoff = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        await this.sleep(hinted !== undefined ? Math.min(this.maxDelayMs, hinted) : backoff);
      }
    }
    await this.mark(route.tenantId, row.id, { status: "failed" });
    return { status: "failed", error: lastError };
  }

  private async mark(tenantId: string, id: string, set: Partial<typeof outboundMessages.$inferInsert>) {
    await this.db.withTenant(tenantId, (tx) => tx.update(outboundMessages).set(set).where(eq(outboundMessages.id, id)));
  }
}
