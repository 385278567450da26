/** Tenants (platform admins only): platform-scoped reads and writes through db.platform(). */
import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/database.ts";
import { type Tenant, tenants } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { isUniqueViolation, type Parsed, parseForm } from "../forms.ts";

export const tenantForm = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "1-63 characters of a-z, 0-9 and '-', starting with a letter or digit"),
  name: z.string().trim().min(1, "is required").max(200),
});
export type TenantForm = z.infer<typeof tenantForm>;

export const parseTenantForm = (fields: Record<string, string>): Parsed<TenantForm> => parseForm(tenantForm, fields);

export function listTenants(db: Database): Promise<Tenant[]> {
  return db.platform((tx) => tx.select().from(tenants).orderBy(asc(tenants.name)));
}

export async function getTenant(db: Database, id: string): Promise<Tenant> {
  const [t] = await db.platform((tx) => tx.select().from(tenants).where(eq(tenants.id, id)));
  if (!t) throw new KonstructError("not_found", "no such tenant");
  return t;
}

export async function saveTenant(db: Database, id: string | null, f: TenantForm): Promise<{ id: string } | { errors: Record<string, string> }> {
  try {
    return await db.platform(async (tx) => {
      if (!id) {
        const [row] = await tx.insert(tenants).values({ slug: f.slug, name: f.name, source: "ui" }).returning({ id: tenants.id });
        return { id: row!.id };
      }
      const [row] = await tx.update(tenants).set({ slug: f.slug, name: f.name, updatedAt: sql`now()` }).where(eq(tenants.id, id)).returning({ id: tenants.id });
      if (!row) throw new KonstructError("not_found", "no such tenant");
      return { id: row.id };
    });
  } catch (e) {
    if (isUniqueViolation(e)) return { errors: { slug: "another tenant has this slug" } };
    throw e;
  }
}

/** Deletes the tenant and, by cascade, everything it owns. */
export async function deleteTenant(db: Database, id: string): Promise<void> {
  await db.platform((tx) => tx.delete(tenants).where(eq(tenants.id, id)));
}
