/**
 * The handoff service the composition root builds once: `escalate` (the public entry, see types.ts)
 * and `inHumanMode`, which the gateway asks before a turn so the AI stays silent while a person
 * handles the conversation. Both run in the request's tenant transaction, so nothing crosses tenants.
 */
import type { Database } from "../db/database.ts";
import type { Handoff } from "../db/schema/handoffs.ts";
import { openHandoff, insertHandoff } from "./store.ts";
import type { EscalationRequest, EscalationResult } from "./types.ts";
import { ESCALATION_SOURCES } from "./types.ts";

export interface HandoffService {
  escalate(req: EscalationRequest): Promise<EscalationResult>;
  inHumanMode(tenantId: string, conversationId: string): Promise<boolean>;
}

/**
 * `escalated`: told of every handoff started (not of a repeated escalation), for the measures;
 * `opened`: told of it after it committed (the notification job).
 */
export function createHandoffService(deps: { db: Database; escalated?: (h: Handoff) => void; opened?: (h: Handoff) => void }): HandoffService {
  return {
    async escalate(req) {
      if (!ESCALATION_SOURCES.includes(req.source)) throw new Error(`unknown escalation source: ${String(req.source)}`);
      if (!req.reason.trim()) throw new Error("an escalation needs a reason");
      const result = await deps.db.withTenant(req.tenantId, (tx) => insertHandoff(tx, req));
      if (result.created) deps.escalated?.(result.handoff);
      if (result.created) deps.opened?.(result.handoff);
      return result;
    },
    async inHumanMode(tenantId, conversationId) {
      return Boolean(await deps.db.withTenant(tenantId, (tx) => openHandoff(tx, conversationId)));
    },
  };
}
