/**
 * The audit log, filtered (agent, kind, actor, time) and paginated, and the same selection for the
 * CSV/JSON export. People's entries (src/admin/trail/) carry their e-mail as the actor.
 */
import { and, desc, eq, gte, lt, or } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { agents, auditLog, platformAudit } from "../../db/schema/index.ts";
import { dayAfter } from "./conversations.ts";
import { PERSON_KINDS } from "../trail/record.ts";
import { type Page, pageWindow, toPage } from "./page.ts";

export const AUDIT_KINDS = ["inbound", "llm_call", "tool_call", "outbound", "refusal", "budget_stop", "command", "error", "handoff", "scope", "team.delegate", ...PERSON_KINDS] as const;

export interface AuditFilter {
  agentId?: string;
  kind?: string;
  /** Exact actor: a person's e-mail, or an agent-side actor such as a channel user id. */
  actor?: string;
  /** YYYY-MM-DD (UTC), inclusive. */
  from?: string;
  to?: string;
  page?: number;
}

export interface AuditRow {
  id: string;
  at: Date;
  kind: string;
  agentName: string | null;
  conversationId: string | null;
  actor: string;
  summary: string;
  data: unknown;
}

function where(f: AuditFilter) {
  return and(
    f.agentId ? eq(auditLog.agentId, f.agentId) : undefined,
    f.kind ? eq(auditLog.kind, f.kind) : undefined,
    // A person acting in the inbox or on an approval is `console:<email>` there (src/handoff/).
    f.actor ? or(eq(auditLog.actor, f.actor), eq(auditLog.actor, `console:${f.actor}`)) : undefined,
    f.from ? gte(auditLog.at, new Date(`${f.from}T00:00:00Z`)) : undefined,
    f.to ? lt(auditLog.at, dayAfter(f.to)) : undefined,
  );
}

function select(db: Database, tenantId: string, f: AuditFilter, limit: number, offset: number): Promise<AuditRow[]> {
  return db.withTenant(tenantId, (tx) =>
    tx
      .select({
        id: auditLog.id,
        at: auditLog.at,
        kind: auditLog.kind,
        agentName: agents.name,
        conversationId: auditLog.conversationId,
        actor: auditLog.actor,
        summary: auditLog.summary,
        data: auditLog.data,
      })
      .from(auditLog)
      .leftJoin(agents, and(eq(agents.tenantId, auditLog.tenantId), eq(agents.id, auditLog.agentId)))
      .where(where(f))
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(limit)
      .offset(offset),
  );
}

export async function listAudit(db: Database, tenantId: string, f: AuditFilter): Promise<Page<AuditRow>> {
  const { limit, offset } = pageWindow(f.page ?? 1);
  return toPage(await select(db, tenantId, f, limit, offset), f.page ?? 1);
}

/** Upper bound of one export, so a CSV download cannot exhaust memory. */
export const EXPORT_LIMIT = 50_000;

export function exportAudit(db: Database, tenantId: string, f: AuditFilter): Promise<AuditRow[]> {
  return select(db, tenantId, f, EXPORT_LIMIT, 0);
}

/** The platform's trail (platform admins only; the caller checks): same filters, no agents. */
function selectPlatform(db: Database, f: AuditFilter, limit: number, offset: number): Promise<AuditRow[]> {
  const w = and(
    f.kind ? eq(platformAudit.kind, f.kind) : undefined,
    f.actor ? eq(platformAudit.actor, f.actor) : undefined,
    f.from ? gte(platformAudit.at, new Date(`${f.from}T00:00:00Z`)) : undefined,
    f.to ? lt(platformAudit.at, dayAfter(f.to)) : undefined,
  );
  return db.platform((tx) =>
    tx
      .select({ id: platformAudit.id, at: platformAudit.at, kind: platformAudit.kind, actor: platformAudit.actor, summary: platformAudit.summary, data: platformAudit.data })
      .from(platformAudit)
      .where(w)
      .orderBy(desc(platformAudit.at), desc(platformAudit.id))
      .limit(limit)
      .offset(offset)
      .then((rows) => rows.map((r) => ({ ...r, agentName: null, conversationId: null }))),
  );
}

export async function listPlatformAudit(db: Database, f: AuditFilter): Promise<Page<AuditRow>> {
  const { limit, offset } = pageWindow(f.page ?? 1);
  return toPage(await selectPlatform(db, f, limit, offset), f.page ?? 1);
}

export function exportPlatformAudit(db: Database, f: AuditFilter): Promise<AuditRow[]> {
  return selectPlatform(db, f, EXPORT_LIMIT, 0);
}
