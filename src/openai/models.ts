/**
 * Model ids are `<tenant slug>/<agent slug>`. A key sees the AI employees of its own tenant (an
 * agent key: that one alone); anything else — another tenant's agent, an unknown one — is the same
 * 404, so a key cannot probe what exists outside its scope.
 */
import { asc, eq } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { type Agent, agents, tenants } from "../db/schema/index.ts";
import { noModel } from "./errors.ts";
import type { KeyScope } from "./keys.ts";

async function tenantSlug(db: Database, tenantId: string): Promise<string> {
  const [t] = await db.platform((tx) => tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, tenantId)));
  return t?.slug ?? "";
}

/** The agent a model id names, if this key may use it; else a 404 in OpenAI's shape. */
export async function resolveModel(db: Database, scope: KeyScope, model: string): Promise<{ agent: Agent; tenantSlug: string }> {
  const [slug, agentSlug, ...rest] = model.split("/");
  const own = await tenantSlug(db, scope.tenantId);
  if (rest.length || !agentSlug || slug !== own) throw noModel(model);
  const [agent] = await db.withTenant(scope.tenantId, (tx) => tx.select().from(agents).where(eq(agents.slug, agentSlug)));
  if (!agent || (scope.agentId && agent.id !== scope.agentId)) throw noModel(model);
  return { agent, tenantSlug: own };
}

/** GET /v1/models: what this key may use. */
export async function listModels(db: Database, scope: KeyScope) {
  const slug = await tenantSlug(db, scope.tenantId);
  const rows = await db.withTenant(scope.tenantId, (tx) =>
    tx.select({ id: agents.id, slug: agents.slug, createdAt: agents.createdAt }).from(agents).orderBy(asc(agents.slug)),
  );
  const data = rows
    .filter((a) => !scope.agentId || a.id === scope.agentId)
    .map((a) => ({ id: `${slug}/${a.slug}`, object: "model", created: Math.floor(a.createdAt.getTime() / 1000), owned_by: slug }));
  return { object: "list", data };
}
