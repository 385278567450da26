/**
 * The approvals table's operations. A decision is one conditional UPDATE (`status = 'pending'` and
 * not expired), so of two clicks — or a click and the expiry sweep, or two replicas — exactly one
 * wins and the others find nothing to decide.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Database, Tx } from "../db/database.ts";
import { type Approval, approvals, tenants } from "../db/schema/index.ts";

export type Decision = "approved" | "denied";

/** What the admin UI lists: every approval of the tenant still waiting, oldest first. */
export async function listPendingApprovals(db: Database, tenantId: string): Promise<Approval[]> {
  return db.withTenant(tenantId, (tx) =>
    tx.select().from(approvals).where(and(eq(approvals.status, "pending"), sql`${approvals.expiresAt} > now()`)).orderBy(asc(approvals.createdAt)),
  );
}

export async function findApproval(tx: Tx, id: string): Promise<Approval | undefined> {
  const [row] = await tx.select().from(approvals).where(eq(approvals.id, id));
  return row;
}

/**
 * Moves a pending, unexpired approval to `decision`; null when it was not pending any more.
 * `outside`: the turn goes on outside an inbound event (admin console), so resume_seq is set.
 */
export async function transition(tx: Tx, id: string, decision: Decision, actor: string, outside = false): Promise<Approval | null> {
  const [row] = await tx
    .update(approvals)
    .set({ status: decision, decidedBy: actor, decidedAt: sql`now()`, ...(outside ? { resumeSeq: sql`${approvals.seq} + 1` } : {}) })
    .where(and(eq(approvals.id, id), eq(approvals.status, "pending"), sql`${approvals.expiresAt} > now()`))
    .returning();
  return row ?? null;
}

/** Claims the tenant's pending approvals (or just `id`) whose time ran out (each is returned to one caller only). */
export async function expireDue(tx: Tx, id?: string): Promise<Approval[]> {
  return tx
    .update(approvals)
    .set({ status: "expired", decidedAt: sql`now()`, resumeSeq: sql`${approvals.seq} + 1` })
    .where(and(eq(approvals.status, "pending"), sql`${approvals.expiresAt} <= now()`, id ? eq(approvals.id, id) : undefined))
    .returning();
}

/** The tenant's approvals still waiting for a decision (expired or not), for their expiry jobs. */
export async function pendingApprovals(tx: Tx): Promise<Pick<Approval, "id" | "tenantId" | "expiresAt">[]> {
  return tx.select({ id: approvals.id, tenantId: approvals.tenantId, expiresAt: approvals.expiresAt }).from(approvals).where(eq(approvals.status, "pending"));
}

/**
 * Claims decided approvals whose turn was to go on outside an inbound event but never wrote its
 * next message (the process died mid-way), decided longer than `graceSeconds` ago. The claim moves
 * decided_at to now, so a concurrent sweep (another replica) does not take the same row.
 */
export async function claimStranded(tx: Tx, graceSeconds: number, id?: string): Promise<Approval[]> {
  return tx
    .update(approvals)
    .set({ decidedAt: sql`now()` })
    .where(
      and(
        id ? eq(approvals.id, id) : undefined,
        sql`${approvals.status} <> 'pending' and ${approvals.resumeSeq} is not null`,
        // A background task's approval is continued by its executor, never from here.
        sql`${approvals.state}->'turn'->>'taskId' is null`,
        sql`${approvals.decidedAt} < now() - make_interval(secs => ${graceSeconds})`,
        sql`not exists (select 1 from outbound_messages o where o.tenant_id = ${approvals.tenantId} and o.inbound_event_id = ${approvals.eventId} and o.seq = ${approvals.resumeSeq})`,
      ),
    )
    .returning();
}

/**
 * Takes back a pending approval nobody decided (its background task was cancelled or stopped): it
 * becomes `expired` with nothing left to continue. Null when it was decided meanwhile.
 */
export async function withdrawApproval(tx: Tx, id: string): Promise<Approval | null> {
  const [row] = await tx.update(approvals).set({ status: "expired", decidedAt: sql`now()` }).where(and(eq(approvals.id, id), eq(approvals.status, "pending"))).returning();
  return row ?? null;
}

/** Withdraws the pending approvals of these background tasks (the sweep ended them `interrupted`). */
export async function withdrawTaskApprovals(tx: Tx, taskIds: string[]): Promise<number> {
  if (!taskIds.length) return 0;
  const rows = await tx
    .update(approvals)
    .set({ status: "expired", decidedAt: sql`now()` })
    .where(and(eq(approvals.status, "pending"), inArray(sql`${approvals.state}->'turn'->>'taskId'`, taskIds)))
    .returning({ id: approvals.id });
  return rows.length;
}

export async function recordResult(tx: Tx, id: string, result: string): Promise<void> {
  await tx.update(approvals).set({ result }).where(eq(approvals.id, id));
}

export async function tenantIds(db: Database): Promise<{ id: string; slug: string }[]> {
  return db.platform((tx) => tx.select({ id: tenants.id, slug: tenants.slug }).from(tenants));
}

/** `kapv:<id>:approve|deny`, the id our approval buttons carry. */
export function buttonId(id: string, decision: "approve" | "deny"): string {
  return `kapv:${id}:${decision}`;
}

export function parseButtonId(value: string): { id: string; decision: Decision } | null {
  const m = /^kapv:([0-9a-f-]{36}):(approve|deny)$/.exec(value);
  return m ? { id: m[1]!, decision: m[2] === "approve" ? "approved" : "denied" } : null;
}
