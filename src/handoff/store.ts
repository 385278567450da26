/**
 * The handoffs table's operations, each one statement plus its audit entry in the caller's tenant
 * transaction. Invariants: at most one open (waiting|taken) handoff per conversation (partial unique
 * index; a concurrent second escalation conflicts and reads the winner's row); *Take it* and every
 * close are conditional UPDATEs, so of two concurrent presses exactly one gets a row back and the
 * other learns who owns it.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { audit } from "../agent/audit.ts";
import type { Tx } from "../db/database.ts";
import { type Handoff, handoffs } from "../db/schema/handoffs.ts";
import type { EscalationRequest, EscalationResult } from "./types.ts";

const OPEN = ["waiting", "taken"];
const REASON_MAX = 500;

/**
 * Bumped inside every transaction that may open or close a handoff, before its write: a reader
 * that saw "no open handoff" at generation g may trust that only while the generation is still g
 * (chat.ts, embedded database only: one process, one connection, so no write can slip between).
 */
let generation = 0;
export const handoffGeneration = () => generation;

export async function openHandoff(tx: Tx, conversationId: string): Promise<Handoff | undefined> {
  const [row] = await tx.select().from(handoffs).where(and(eq(handoffs.conversationId, conversationId), inArray(handoffs.status, OPEN)));
  return row;
}

export async function findHandoff(tx: Tx, id: string): Promise<Handoff | undefined> {
  const [row] = await tx.select().from(handoffs).where(eq(handoffs.id, id));
  return row;
}

/** Opens a handoff unless the conversation already has one (then that one, created: false). */
export async function insertHandoff(tx: Tx, req: EscalationRequest): Promise<EscalationResult> {
  generation++;
  const [row] = await tx
    .insert(handoffs)
    .values({ tenantId: req.tenantId, agentId: req.agentId, conversationId: req.conversationId, reason: req.reason.slice(0, REASON_MAX), rule: req.rule.slice(0, 200), source: req.source })
    .onConflictDoNothing({ target: [handoffs.tenantId, handoffs.conversationId], where: sql`status in ('waiting', 'taken')` })
    .returning();
  if (!row) {
    const open = await openHandoff(tx, req.conversationId);
    if (!open) throw new Error("handoff conflict without an open handoff");
    return { handoff: open, created: false };
  }
  await audit(tx, {
    tenantId: req.tenantId, kind: "handoff", agentId: req.agentId, conversationId: req.conversationId, actor: req.source,
    summary: `escalated: ${row.reason}`.slice(0, 500), data: { step: "escalated", handoff: row.id, rule: row.rule, source: row.source },
  });
  return { handoff: row, created: true };
}

/** The winner of *Take it* gets the row; a loser gets null and reads the owner with findHandoff. */
export async function takeHandoff(tx: Tx, id: string, owner: string): Promise<Handoff | null> {
  const [row] = await tx
    .update(handoffs)
    .set({ status: "taken", owner, takenAt: sql`now()` })
    .where(and(eq(handoffs.id, id), eq(handoffs.status, "waiting")))
    .returning();
  if (row) await stepAudit(tx, row, "taken", owner);
  return row ?? null;
}

/** Records a human reply (the first one stamps first_reply_at); null when the handoff is not the owner's. */
export async function recordReply(tx: Tx, id: string, owner: string): Promise<Handoff | null> {
  const [row] = await tx
    .update(handoffs)
    .set({ firstReplyAt: sql`coalesce(${handoffs.firstReplyAt}, now())` })
    .where(and(eq(handoffs.id, id), eq(handoffs.status, "taken"), eq(handoffs.owner, owner)))
    .returning();
  if (row) await stepAudit(tx, row, "replied", owner);
  return row ?? null;
}

/** Resolve (with a note) or return to the AI; only an open handoff closes, once. */
export async function closeHandoff(tx: Tx, id: string, how: "resolved" | "returned", actor: string, note?: string): Promise<Handoff | null> {
  generation++;
  const [row] = await tx
    .update(handoffs)
    .set({ status: how, closedAt: sql`now()`, note: note?.slice(0, 2000) ?? null, owner: sql`coalesce(${handoffs.owner}, ${actor})` })
    .where(and(eq(handoffs.id, id), inArray(handoffs.status, OPEN)))
    .returning();
  if (row) await stepAudit(tx, row, how, actor, note);
  return row ?? null;
}

export async function recentHandoffs(tx: Tx, limit = 100): Promise<Handoff[]> {
  return tx.select().from(handoffs).orderBy(desc(handoffs.createdAt)).limit(Math.min(limit, 500));
}

async function stepAudit(tx: Tx, row: Handoff, step: string, actor: string, note?: string): Promise<void> {
  await audit(tx, {
    tenantId: row.tenantId, kind: "handoff", agentId: row.agentId, conversationId: row.conversationId, actor,
    summary: `${step} by ${actor}`.slice(0, 500), data: { step, handoff: row.id, ...(note ? { note: note.slice(0, 500) } : {}) },
  });
}
