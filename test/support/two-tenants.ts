/** Two tenants ("A", "B"), each with one agent "ada": the usual isolation fixture. */
import type { Database } from "../../src/db/database.ts";
import { agents, tenants } from "../../src/db/schema/index.ts";

export type TwoTenants = Record<"A" | "B", { tenant: string; agent: string }>;

export async function seedTwoTenants(db: Database, prefix: string): Promise<TwoTenants> {
  const ids = {} as TwoTenants;
  for (const k of ["A", "B"] as const) {
    const [row] = await db.platform((tx) => tx.insert(tenants).values({ slug: `${prefix}-${k.toLowerCase()}`, name: k }).returning({ id: tenants.id }));
    const tenant = row!.id;
    const [a] = await db.withTenant(tenant, (tx) => tx.insert(agents).values({ tenantId: tenant, slug: "ada", name: "Ada" }).returning({ id: agents.id }));
    ids[k] = { tenant, agent: a!.id };
  }
  return ids;
}
