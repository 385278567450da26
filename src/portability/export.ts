/**
 * `konstruct export`: one tenant, read in one tenant transaction (RLS applies: nothing of another
 * tenant can be in it), as YAML whose top level is `tenants: [ … ]` — the config file's own shape.
 */
import { eq } from "drizzle-orm";
import { stringify } from "yaml";
import type { Database } from "../db/database.ts";
import { tenants } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";
import type { SecretBox } from "../secrets/box.ts";
import { readAgents } from "./agents.ts";
import { readSchedules, readTeams, readTriggers } from "./automation.ts";
import { readEscalation, readSecrets } from "./escalation.ts";
import { finish, SecretWriter } from "./secrets.ts";

export interface TenantExport {
  yaml: string;
  /** Environment variables the import will need (empty with secrets written in). */
  variables: string[];
  /** What the database holds that the file does not (see README). */
  notes: string[];
}

export async function exportTenant(db: Database, box: SecretBox, slug: string, opts: { withSecrets?: boolean } = {}): Promise<TenantExport> {
  const [tenant] = await db.platform((tx) => tx.select({ id: tenants.id, name: tenants.name }).from(tenants).where(eq(tenants.slug, slug)));
  if (!tenant) throw new KonstructError("not_found", `no tenant with slug '${slug}'`);
  const secrets = new SecretWriter(slug, opts.withSecrets ?? false);
  const { entry, notes } = await db.withTenant(tenant.id, async (tx) => {
    const refs = await readAgents(tx, box, secrets);
    const entry: Record<string, unknown> = { slug, name: tenant.name, agents: refs.agents, secrets: await readSecrets(tx, box, secrets) };
    entry.schedules = await readSchedules(tx, refs);
    entry.triggers = await readTriggers(tx, box, secrets, refs);
    entry.teams = await readTeams(tx, refs);
    const escalation = await readEscalation(tx, refs);
    if (escalation) entry.escalation = escalation;
    return { entry, notes: refs.notes };
  });
  const yaml = stringify(finish({ tenants: [entry] }), { lineWidth: 0 });
  return { yaml, variables: secrets.variables, notes };
}
