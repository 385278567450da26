/**
 * What the composition root plugs in: `escalate` as an audit entry `escalation.requested` (the
 * handoff, src/handoff/, adds human mode and notifications behind the same call; the entry stays),
 * and the approval hook that counts a conversation's denials and lets the rules decide.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { audit } from "../agent/audit.ts";
import type { Database } from "../db/database.ts";
import { agents, type Approval, approvals } from "../db/schema/index.ts";
import type { EscalationRules } from "./evaluate.ts";
import type { Escalate } from "./types.ts";

export function auditEscalate(db: Database, next?: Escalate): Escalate {
  return async (req, signals) => {
    await db.withTenant(req.tenantId, (tx) =>
      audit(tx, {
        tenantId: req.tenantId,
        kind: "escalation.requested",
        agentId: req.agentId,
        conversationId: req.conversationId,
        summary: `escalation (${req.source}) by rule ${req.rule}: ${req.reason}`.slice(0, 500),
        data: { rule: req.rule, reason: req.reason, source: req.source, signals: signals ?? {} },
      }),
    );
    await next?.(req, signals);
  };
}

/** For ApprovalFlow's `decided` hook: must not throw, so failures are logged. */
export function onApprovalDenied(db: Database, rules: EscalationRules, log: Logger): (a: Approval) => void {
  return (a) => {
    if (a.status !== "denied") return;
    void (async () => {
      const found = await db.withTenant(a.tenantId, async (tx) => {
        const [agent] = await tx.select({ id: agents.id, escalation: agents.escalation }).from(agents).where(eq(agents.id, a.agentId));
        const [n] = await tx.select({ n: sql<number>`count(*)::int` }).from(approvals).where(and(eq(approvals.conversationId, a.conversationId), eq(approvals.status, "denied")));
        return agent ? { agent, denied: Number(n?.n ?? 0) } : null;
      });
      if (found) await rules.onEvent({ tenantId: a.tenantId, agent: found.agent, conversationId: a.conversationId }, { approvalsDenied: found.denied });
    })().catch((e) => log.error({ err: e, approval: a.id }, "escalation after a denied approval failed"));
  };
}
