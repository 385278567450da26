/**
 * One person's action, into the trail (see README.md): the tenant's audit_log when the action
 * concerns a tenant, platform_audit otherwise. `data` must name what changed, never a credential or
 * a secret's value (diff.ts). A failure to write is not swallowed: an action that cannot be audited
 * is an error, like the agents' entries.
 */
import type { Database } from "../../db/database.ts";
import { platformAudit } from "../../db/schema/index.ts";
import { audit, type AuditKind } from "../../agent/audit.ts";

export const PERSON_KINDS = ["sign_in", "sign_in.failed", "sign_out", "password.changed", "invitation", "role.changed", "role.kept", "two_factor", "user.removed", "access_token", "api_key", "approval.decided", "config"] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

export interface Person {
  userId: string | null;
  email: string;
  tenantId: string | null;
}

export interface PersonEvent {
  kind: PersonKind;
  summary: string;
  /** The tenant concerned; defaults to the person's own (null for a platform admin). */
  tenantId?: string | null;
  data?: Record<string, unknown>;
}

export async function recordPerson(db: Database, who: Person | null, ip: string, e: PersonEvent): Promise<void> {
  const tenantId = e.tenantId === undefined ? (who?.tenantId ?? null) : e.tenantId;
  const actor = (who?.email ?? "").slice(0, 320);
  const data = { ...e.data, user_id: who?.userId ?? null, ip: ip.slice(0, 100) };
  const summary = e.summary.slice(0, 500);
  if (tenantId) await db.withTenant(tenantId, (tx) => audit(tx, { tenantId, kind: e.kind as AuditKind, summary, actor, data }));
  else await db.platform((tx) => tx.insert(platformAudit).values({ kind: e.kind, actor, summary, data }));
}
