/** /api/v1/tenants/:tenantId/audit: the append-only audit trail (agents' and people's), newest first, filterable (kind, agent_id, actor, time), paginated. */
import { and, desc, eq, gte, lt, or, type SQL } from "drizzle-orm";
import { auditLog } from "../../db/schema/index.ts";
import type { Handler } from "../lazy.ts";
import { idParam } from "../request.ts";
import { decodeCursor, encodeCursor, limitParam, page, tenantScope, timeParam } from "./common.ts";

export const listAudit: Handler = async (deps, { principal, params, query }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "audit", params.tenantId);
  const limit = limitParam(query.limit);
  const cursor = decodeCursor(query.cursor);
  const from = timeParam(query.from, "from");
  const to = timeParam(query.to, "to");
  const where: (SQL | undefined)[] = [
    query.kind ? eq(auditLog.kind, query.kind) : undefined,
    query.agent_id ? eq(auditLog.agentId, idParam(query.agent_id, "agent")) : undefined,
    query.actor ? or(eq(auditLog.actor, query.actor.slice(0, 320)), eq(auditLog.actor, `console:${query.actor.slice(0, 320)}`)) : undefined,
    from ? gte(auditLog.at, from) : undefined,
    to ? lt(auditLog.at, to) : undefined,
    cursor ? or(lt(auditLog.at, cursor.at), and(eq(auditLog.at, cursor.at), lt(auditLog.id, cursor.id))) : undefined,
  ];
  const rows = await db.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(auditLog)
      .where(and(...where))
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(limit + 1),
  );
  const p = page(rows, limit, (r) => encodeCursor(r.at, r.id));
  return {
    items: p.items.map((r) => ({
      id: r.id,
      at: r.at,
      kind: r.kind,
      agent_id: r.agentId,
      conversation_id: r.conversationId,
      actor: r.actor,
      summary: r.summary,
      data: r.data,
    })),
    next: p.next,
};
  };
