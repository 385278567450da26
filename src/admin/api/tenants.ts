/**
 * /api/v1/tenants: everyone signed in lists the tenants they may read (a platform admin all of
 * them); creating, renaming and deleting tenants is for platform admins. Tenants declared in
 * konstruct.config.yaml (source "config") are changed in the file, not here: an edit here would be
 * undone at the next start.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { slug } from "../../config/schema.ts";
import { type Tenant, tenants } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { requireArea } from "../access.ts";
import { isPlatformAdmin, requirePlatform, requireRead } from "../auth/principal.ts";
import type { Handler } from "../lazy.ts";
import { database, idParam } from "../request.ts";
import { type ApiDeps, parseBody } from "./common.ts";
import { recordConfig } from "../trail/config.ts";

const tenantInput = z.strictObject({ slug, name: z.string().trim().min(1, "is required").max(200) });
const tenantPatch = z.strictObject({ name: z.string().trim().min(1, "is required").max(200) });

export const tenantJson = (t: Tenant) => ({ id: t.id, slug: t.slug, name: t.name, source: t.source, created_at: t.createdAt, updated_at: t.updatedAt });

async function find(deps: ApiDeps, id: string) {
  const [t] = await database(deps).platform((tx) => tx.select().from(tenants).where(eq(tenants.id, id)));
  if (!t) throw new KonstructError("not_found", "no such tenant");
  return t;
}

async function editable(deps: ApiDeps, id: string) {
  const t = await find(deps, id);
  if (t.source === "config") throw new KonstructError("conflict", `tenant '${t.slug}' is declared in konstruct.config.yaml: change it there`);
  return t;
}

export const listTenants: Handler = async (deps, { principal }) => {
  const p = requireArea(principal, "dashboard");
  const rows = await database(deps).platform((tx) =>
    tx.select().from(tenants).where(isPlatformAdmin(p) ? undefined : eq(tenants.id, p.tenantId!)).orderBy(tenants.slug),
  );
  return { items: rows.map(tenantJson) };
};

export const createTenant: Handler = async (deps, { principal, body, set, client }) => {
  requirePlatform(principal);
  const input = parseBody(tenantInput, body);
  const row = await database(deps).platform(async (tx) => {
    const [dup] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, input.slug));
    if (dup) throw new KonstructError("conflict", `slug: '${input.slug}' is taken`);
    const [r] = await tx.insert(tenants).values({ slug: input.slug, name: input.name }).returning();
    return r!;
  });
  await recordConfig(database(deps), { principal, client }, { tenantId: row.id, object: "tenant", id: row.id, name: row.slug, before: null, after: { slug: row.slug, name: row.name } });
  set.status = 201;
  return tenantJson(row);
};

export const getTenant: Handler = async (deps, { principal, params }) => {
  const id = idParam(params.tenantId, "tenant");
  requireRead(principal, id);
  return tenantJson(await find(deps, id));
};

export const renameTenant: Handler = async (deps, { principal, params, body, client }) => {
  const id = idParam(params.tenantId, "tenant");
  requirePlatform(principal);
  const input = parseBody(tenantPatch, body);
  const before = await editable(deps, id);
  const [row] = await database(deps).platform((tx) => tx.update(tenants).set({ name: input.name, updatedAt: new Date() }).where(eq(tenants.id, id)).returning());
  await recordConfig(database(deps), { principal, client }, { tenantId: id, object: "tenant", id, name: row!.slug, before: { name: before.name }, after: { name: row!.name } });
  return tenantJson(row!);
};

export const deleteTenant: Handler = async (deps, { principal, params, set, client }) => {
  const id = idParam(params.tenantId, "tenant");
  requirePlatform(principal);
  const gone = await editable(deps, id);
  // Cascades to the tenant's agents, channels, conversations, usage and users.
  await database(deps).platform((tx) => tx.delete(tenants).where(eq(tenants.id, id)));
  // No tenant admin is left to read the tenant's trail: the platform's keeps this record.
  await recordConfig(database(deps), { principal, client }, { tenantId: null, object: "tenant", id, name: gone.slug, before: { name: gone.name }, after: null });
  set.status = 204;
  return null;
};
