/**
 * The durable inbox: an inbound message is recorded before the channel is acknowledged, claimed by
 * exactly one worker, and finished once. Redeliveries of the same channel event land on the same row
 * (unique eventKey), so they are acknowledged but never processed twice. Events left `pending` or
 * `processing` by a crash are found again by `unfinished()` at start.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { InboundMessage } from "../channels/types.ts";
import type { Database } from "../db/database.ts";
import { inboundEvents, tenants } from "../db/schema/index.ts";

export interface Route {
  tenantId: string;
  channelId: string;
}

export interface Recorded {
  id: string;
  /** True when this channel event was already recorded (a retry or a re-poll). */
  duplicate: boolean;
}

export type FinalStatus = "done" | "failed" | "ignored";

export class Inbox {
  constructor(private readonly db: Database) {}

  async record(route: Route, message: InboundMessage): Promise<Recorded> {
    return this.db.withTenant(route.tenantId, async (tx) => {
      const inserted = await tx
        .insert(inboundEvents)
        .values({ tenantId: route.tenantId, channelId: route.channelId, eventKey: message.eventKey, message })
        .onConflictDoNothing()
        .returning({ id: inboundEvents.id });
      if (inserted[0]) return { id: inserted[0].id, duplicate: false };
      const [existing] = await tx
        .select({ id: inboundEvents.id })
        .from(inboundEvents)
        .where(and(eq(inboundEvents.channelId, route.channelId), eq(inboundEvents.eventKey, message.eventKey)));
      return { id: existing!.id, duplicate: true };
    });
  }

  /**
   * Takes the event for processing. `pending` events are claimable; so are `processing` ones when
   * `recovering` (their worker died with the process). Returns the message, or null if someone else
   * has it or it is finished.
   */
  async claim(tenantId: string, id: string, recovering = false): Promise<InboundMessage | null> {
    return this.db.withTenant(tenantId, async (tx) => {
      const claimable = recovering ? ["pending", "processing"] : ["pending"];
      const [row] = await tx
        .update(inboundEvents)
        .set({ status: "processing", attempts: sql`${inboundEvents.attempts} + 1` })
        .where(and(eq(inboundEvents.id, id), inArray(inboundEvents.status, claimable)))
        .returning({ message: inboundEvents.message });
      return (row?.message as InboundMessage | undefined) ?? null;
    });
  }

  async finish(tenantId: string, id: string, status: FinalStatus, error?: string): Promise<void> {
    await this.db.withTenant(tenantId, (tx) =>
      tx
        .update(inboundEvents)
        .set({ status, error: error ?? null, processedAt: sql`now()` })
        .where(eq(inboundEvents.id, id)),
    );
  }

  /** Every unfinished event of every tenant, oldest first per tenant. */
  async unfinished(): Promise<{ tenantId: string; id: string }[]> {
    const ids = await this.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants));
    const out: { tenantId: string; id: string }[] = [];
    for (const { id: tenantId } of ids) {
      const rows = await this.db.withTenant(tenantId, (tx) =>
        tx
          .select({ id: inboundEvents.id })
          .from(inboundEvents)
          .where(inArray(inboundEvents.status, ["pending", "processing"]))
          .orderBy(inboundEvents.receivedAt),
      );
      out.push(...rows.map((r) => ({ tenantId, id: r.id })));
    }
    return out;
  }
}
