/**
 * The console inbox's reads and the people's actions on a handoff, each in one tenant transaction
 * (RLS: another tenant's handoff id finds nothing). The list is one indexed query bounded to
 * LIST_MAX rows, and `fingerprint` is one row of counters, so the page can poll every few seconds
 * and re-render only when something changed. Taking, closing and replying keep their guarantees
 * from store.ts (conditional UPDATEs); here they only learn who won.
 */
import { and, asc, count, desc, eq, inArray, sql } from "drizzle-orm";
import { audit } from "../agent/audit.ts";
import { estimateTokens } from "../agent/tokens.ts";
import type { Database } from "../db/database.ts";
import { agents, channels, conversations, type Handoff, type HandoffNote, handoffNotes, handoffs, messages } from "../db/schema/index.ts";
import { type DecisionMemory, decisionFact, rememberDecision } from "./decision.ts";
import { closeHandoff, findHandoff, takeHandoff } from "./store.ts";
import type { HandoffMeasures } from "./types.ts";

export const INBOX_TABS = ["waiting", "mine", "all", "resolved"] as const;
export type InboxTab = (typeof INBOX_TABS)[number];
export const LIST_MAX = 100;
export const NOTE_MAX = 2000;

export type InboxRow = Pick<Handoff, "id" | "status" | "reason" | "rule" | "source" | "owner" | "createdAt" | "takenAt" | "closedAt" | "conversationId"> & {
  agentName: string;
  channelName: string;
  channelKind: string;
  chatKey: string;
  /** Who resolved or returned it (null while open): not always the owner — a tenant admin may close another's. */
  closedBy: string | null;
};

/**
 * The closing step's actor from the audit trail: close() writes it in the transaction that stamps
 * closed_at, so its `at` equals closed_at and the lookup is one probe of audit_log_kind_time.
 */
// Qualified by hand: in a one-table select drizzle leaves columns bare, and a bare `id` in the subquery is audit_log's.
const closedBy = sql<string | null>`(select a.actor from audit_log a where a.tenant_id = handoffs.tenant_id and a.kind = 'handoff'
  and a.at = handoffs.closed_at and a.data->>'handoff' = handoffs.id::text and a.data->>'step' = handoffs.status limit 1)`;

const ROW = {
  id: handoffs.id, status: handoffs.status, reason: handoffs.reason, rule: handoffs.rule, source: handoffs.source, owner: handoffs.owner,
  createdAt: handoffs.createdAt, takenAt: handoffs.takenAt, closedAt: handoffs.closedAt, conversationId: handoffs.conversationId,
  agentName: agents.name, channelName: channels.name, channelKind: channels.kind, chatKey: conversations.chatKey, closedBy,
};

function tabWhere(tab: InboxTab, me: string) {
  if (tab === "waiting") return eq(handoffs.status, "waiting");
  if (tab === "mine") return and(eq(handoffs.status, "taken"), eq(handoffs.owner, me));
  if (tab === "resolved") return inArray(handoffs.status, ["resolved", "returned"]);
  return undefined;
}

/** Waiting: oldest first (who waited longest is next); the other tabs: newest first. */
export async function listInbox(db: Database, tenantId: string, tab: InboxTab, me: string): Promise<InboxRow[]> {
  return db.withTenant(tenantId, (tx) =>
    tx.select(ROW).from(handoffs)
      .innerJoin(conversations, and(eq(conversations.tenantId, handoffs.tenantId), eq(conversations.id, handoffs.conversationId)))
      .innerJoin(agents, and(eq(agents.tenantId, handoffs.tenantId), eq(agents.id, handoffs.agentId)))
      .innerJoin(channels, and(eq(channels.tenantId, conversations.tenantId), eq(channels.id, conversations.channelId)))
      .where(tabWhere(tab, me))
      .orderBy(tab === "waiting" ? asc(handoffs.createdAt) : desc(handoffs.createdAt))
      .limit(LIST_MAX));
}

/** The badge counts of the tabs that need someone: waiting, and the caller's own. */
export async function inboxCounts(db: Database, tenantId: string, me: string): Promise<{ waiting: number; mine: number }> {
  const [row] = await db.withTenant(tenantId, (tx) =>
    tx.select({
      waiting: sql<number>`count(*) filter (where ${handoffs.status} = 'waiting')`.mapWith(Number),
      mine: sql<number>`count(*) filter (where ${handoffs.status} = 'taken' and ${handoffs.owner} = ${me})`.mapWith(Number),
    }).from(handoffs).where(inArray(handoffs.status, ["waiting", "taken"])));
  return row ?? { waiting: 0, mine: 0 };
}

export async function inboxItem(db: Database, tenantId: string, id: string): Promise<{ handoff: Handoff & { closedBy: string | null }; notes: HandoffNote[] } | null> {
  return db.withTenant(tenantId, async (tx) => {
    const [found] = await tx.select({ closedBy }).from(handoffs).where(eq(handoffs.id, id));
    const h = found && (await findHandoff(tx, id));
    if (!h) return null;
    const handoff = { ...h, closedBy: found.closedBy };
    const notes = await tx.select().from(handoffNotes).where(eq(handoffNotes.handoffId, id)).orderBy(asc(handoffNotes.createdAt)).limit(LIST_MAX);
    return { handoff, notes };
  });
}

/** Changes whenever the handoff's state, its conversation's messages or its notes change (null: no such handoff). */
export async function fingerprint(db: Database, tenantId: string, id: string): Promise<string | null> {
  return db.withTenant(tenantId, async (tx) => {
    const [h] = await tx.select({ status: handoffs.status, owner: handoffs.owner, conv: handoffs.conversationId }).from(handoffs).where(eq(handoffs.id, id));
    if (!h) return null;
    const [m] = await tx.select({ n: count(), last: sql<string>`coalesce(max(${messages.createdAt})::text, '')` }).from(messages).where(eq(messages.conversationId, h.conv));
    const [n] = await tx.select({ n: count() }).from(handoffNotes).where(eq(handoffNotes.handoffId, id));
    return Bun.hash(`${h.status}|${h.owner ?? ""}|${m?.n}|${m?.last}|${n?.n}`).toString(36);
  });
}

export type TakeResult = { taken: true } | { taken: false; owner: string | null; status: string } | null;

/** *Take it*: exactly one of several concurrent callers gets `taken: true`; the others learn the owner. */
export async function take(db: Database, tenantId: string, id: string, owner: string): Promise<TakeResult> {
  return db.withTenant(tenantId, async (tx) => {
    if (await takeHandoff(tx, id, owner)) return { taken: true };
    const now = await findHandoff(tx, id);
    return now ? { taken: false, owner: now.owner, status: now.status } : null;
  });
}

/**
 * Resolve or Return to AI; false when it was already closed (by someone else, a moment ago). A
 * resolution note is what the person decided: it joins the conversation as a system line (never
 * sent to the user), so the AI resumes knowing it and does not ask again, and — with `memory` —
 * becomes a fact about the user (decision.ts), so later conversations know it too.
 */
export async function close(db: Database, tenantId: string, id: string, how: "resolved" | "returned", actor: string, note?: string, measures?: HandoffMeasures, memory?: DecisionMemory | null): Promise<boolean> {
  const text = note?.trim() || undefined;
  // Embedded before the transaction: the model runs in a worker and must not hold the connection.
  const vector = text && memory ? await memory.embedding(decisionFact(text)) : null;
  const closed = await db.withTenant(tenantId, async (tx) => {
    const row = await closeHandoff(tx, id, how, actor, text);
    if (row && text) {
      const line = `A person (${actor}) handled this conversation and ${how === "resolved" ? "resolved it" : "handed it back to you"} with this note: ${text}`;
      await tx.insert(messages).values({ tenantId, conversationId: row.conversationId, role: "system", content: line, tokens: estimateTokens(line) });
      if (memory) await rememberDecision(tx, memory, tenantId, row, text, vector);
    }
    return row;
  });
  if (closed) measures?.closed(closed);
  return Boolean(closed);
}

/** An internal note: kept with the handoff, shown in the console, never sent; audited without its text. */
export async function addNote(db: Database, tenantId: string, id: string, author: string, body: string): Promise<boolean> {
  const text = body.trim();
  if (!text || text.length > NOTE_MAX) throw new Error(`a note must be 1–${NOTE_MAX} characters`);
  return db.withTenant(tenantId, async (tx) => {
    const h = await findHandoff(tx, id);
    if (!h) return false;
    await tx.insert(handoffNotes).values({ tenantId, handoffId: id, author: author.slice(0, 200), body: text });
    await audit(tx, { tenantId, kind: "handoff", agentId: h.agentId, conversationId: h.conversationId, actor: author, summary: `note by ${author}`.slice(0, 500), data: { step: "note", handoff: id } });
    return true;
  });
}
