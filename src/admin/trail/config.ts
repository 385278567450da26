/**
 * A configuration saved or deleted in the console, into the trail: which object, which fields
 * changed (names only), which secrets changed ("changed", never a value). See diff.ts.
 */
import type { Database } from "../../db/database.ts";
import type { AdminContext } from "../lazy.ts";
import { changes, describeChanges } from "./diff.ts";
import { recordPerson } from "./record.ts";

export interface ConfigChange {
  tenantId: string | null;
  /** agent | channel | provider | schedule | trigger | tenant | team … */
  object: string;
  id: string;
  name: string;
  before: Record<string, unknown> | null;
  /** null: deleted. */
  after: Record<string, unknown> | null;
  secretsBefore?: Record<string, unknown>;
  secretsAfter?: Record<string, unknown>;
}

export function recordConfig(db: Database, ctx: Pick<AdminContext, "principal" | "client">, c: ConfigChange): Promise<void> {
  const diff = changes(c.before ?? {}, c.after ?? {}, c.secretsBefore ?? {}, c.secretsAfter ?? {});
  const what = `${c.object} ${c.name}`.slice(0, 200);
  const step = !c.before ? "created" : !c.after ? "deleted" : "saved";
  const summary = step === "saved" ? describeChanges(what, diff) : `${what} ${step}`;
  const data = step === "deleted" ? { object: c.object, id: c.id, name: c.name.slice(0, 200), step } : { object: c.object, id: c.id, name: c.name.slice(0, 200), step, fields: diff.fields, secrets: Object.fromEntries(diff.secrets.map((k) => [k, "changed"])) };
  return recordPerson(db, ctx.principal, ctx.client.ip, { kind: "config", tenantId: c.tenantId, summary, data });
}
