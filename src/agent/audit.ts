/**
 * The append-only audit trail (the application role can insert and read, never change or delete).
 * `data` carries structured detail; it must never hold a credential — callers pass what they saw,
 * not configuration. Entries are written set-based (`auditInsert`), usually as one part of a larger
 * statement, so an audit entry costs a row, not a round trip.
 */
import type { SQL } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { newId, recordset, rowsOf } from "../db/set-sql.ts";

export type AuditKind = "inbound" | "llm_call" | "tool_call" | "outbound" | "refusal" | "budget_stop" | "command" | "error" | "approval" | "escalation.requested" | "handoff" | "privacy.erase" | "privacy.memory_edit" | "retention.purge" | "scope" | "team.delegate";

export interface AuditEntry {
  tenantId: string;
  kind: AuditKind;
  summary: string;
  agentId?: string | null;
  conversationId?: string | null;
  actor?: string;
  data?: Record<string, unknown>;
}

export async function audit(tx: Tx, e: AuditEntry): Promise<void> {
  await rowsOf(tx, auditInsert([e])!);
}

/** The INSERT for many entries (a statement or a CTE part); null when there are none. */
export function auditInsert(entries: AuditEntry[]): SQL | null {
  if (!entries.length) return null;
  const rows = entries.map(auditRow);
  return sql`insert into audit_log (id, tenant_id, kind, summary, agent_id, conversation_id, actor, data)
    select id, tenant_id, kind, summary, agent_id, conversation_id, actor, data
    from ${recordset(rows, "x", "id uuid, tenant_id uuid, kind text, summary text, agent_id uuid, conversation_id uuid, actor text, data jsonb")}`;
}

/** An entry as the row written (snake_case, for jsonb_to_record[set]); the id is made here (see newId). */
export function auditRow(e: AuditEntry) {
  return {
    id: newId(),
    tenant_id: e.tenantId,
    kind: e.kind,
    summary: e.summary.slice(0, 500),
    agent_id: e.agentId ?? null,
    conversation_id: e.conversationId ?? null,
    actor: e.actor ?? "",
    data: e.data ?? {},
  };
}
