/**
 * One tenant's purge: every statement deletes at most `batch` rows (its own short `withTenant`
 * transaction, so no lock is held long and FORCE RLS scopes it), looping until a statement deletes
 * fewer than a batch or the time budget is spent. Rows still pending delivery are never deleted:
 * an inbound event goes only once finished and without an unsent outbox row (its outbox rows go
 * with it, on delete cascade); audit rows only through the definer function of migration 0034;
 * attachments through their store, so a blob goes once no row of the tenant names it.
 */
import { and, eq, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { attachments } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import type { AttachmentStore } from "../media/attachments.ts";
import type { Kind, RetentionDays } from "./settings.ts";

export interface PurgeLimits {
  batch: number;
  /** performance.now() after which no new batch starts. */
  deadline: number;
}

export type PurgeCounts = Record<string, number>;

/** A bounded DELETE of `table` rows matching `where` (unqualified columns), counting what went. */
const bounded = (table: string, where: SQL, batch: number) =>
  sql`with d as (delete from ${sql.identifier(table)} where id in (select id from ${sql.identifier(table)} where ${where} limit ${batch}) returning 1) select count(*)::int as n from d`;

/** `cutoff`: an ISO timestamp (raw statements bind text on both drivers; each use casts it). */
type Statement = [table: string, kind: Kind, run: (cutoff: string) => SQL];

function statements(days: RetentionDays, batch: number): Statement[] {
  const all: Statement[] = [
    ["messages", "messages", (c) => bounded("messages", sql`created_at < ${c}::timestamptz`, batch)],
    // A closed conversation whose messages are all gone and no person still holds (its summary and approvals cascade).
    ["conversations", "messages", (c) => bounded("conversations", sql`closed_at is not null and last_message_at < ${c}::timestamptz and not exists (select 1 from messages m where m.tenant_id = conversations.tenant_id and m.conversation_id = conversations.id) and not exists (select 1 from handoffs h where h.tenant_id = conversations.tenant_id and h.conversation_id = conversations.id and h.status in ('waiting', 'taken'))`, batch)],
    ["outbound_messages", "deliveries", (c) => bounded("outbound_messages", sql`status <> 'pending' and created_at < ${c}::timestamptz`, batch)],
    [
      "inbound_events",
      "deliveries",
      (c) =>
        bounded(
          "inbound_events",
          sql`status in ('done', 'failed', 'ignored') and received_at < ${c}::timestamptz and not exists (select 1 from outbound_messages o where o.tenant_id = inbound_events.tenant_id and o.inbound_event_id = inbound_events.id and o.status = 'pending')`,
          batch,
        ),
    ],
    ["llm_calls", "llm_calls", (c) => bounded("llm_calls", sql`created_at < ${c}::timestamptz`, batch)],
    ["memories", "memories", (c) => bounded("memories", sql`created_at < ${c}::timestamptz`, batch)],
    ["audit_log", "audit", (c) => sql`select konstruct_retention_audit(${c}::timestamptz, ${batch}::int) as n`],
  ];
  return all.filter(([, kind]) => days[kind] > 0);
}

/** Deletes what is older than the tenant's settings; counts per table, and whether the budget ran out. */
export async function purgeTenant(db: Database, tenantId: string, days: RetentionDays, limits: PurgeLimits, now = new Date(), files?: AttachmentStore): Promise<{ counts: PurgeCounts; complete: boolean }> {
  const counts: PurgeCounts = {};
  // Attachments first, through their store: a row and the blob no other row names leave together.
  if (files && days.files > 0) {
    const cutoff = new Date(now.getTime() - days.files * 86_400_000);
    counts.attachments = 0;
    for (;;) {
      if (performance.now() > limits.deadline) return { counts, complete: false };
      const ids = await db.withTenant(tenantId, (tx) => tx.select({ id: attachments.id }).from(attachments).where(and(eq(attachments.tenantId, tenantId), lt(attachments.createdAt, cutoff))).limit(limits.batch));
      counts.attachments += await files.forget(tenantId, ids.map((r) => r.id));
      if (ids.length < limits.batch) break;
    }
  }
  for (const [table, kind, statement] of statements(days, limits.batch)) {
    const cutoff = new Date(now.getTime() - days[kind] * 86_400_000).toISOString();
    counts[table] = 0;
    for (;;) {
      if (performance.now() > limits.deadline) return { counts, complete: false };
      const [row] = await db.withTenant(tenantId, (tx) => rowsOf<{ n: number }>(tx, statement(cutoff)));
      counts[table] += row?.n ?? 0;
      if ((row?.n ?? 0) < limits.batch) break;
    }
  }
  return { counts, complete: true };
}
