/**
 * Which tenant a console page shows. Tenant users: always their own. A platform admin picks one
 * (`?tenant=<id>`, remembered in a cookie so the navigation keeps it); without a pick, the first.
 * The tenant list itself is a platform read; everything shown for the tenant goes through withTenant.
 */
import type { Database } from "../db/database.ts";
import { isPlatformAdmin, type Principal, requireRead, tenantFor } from "./auth/principal.ts";
import { type Area, requireArea } from "./access.ts";
import type { AdminContext } from "./lazy.ts";
import { database } from "./request.ts";
import { listTenants } from "./tenants/save.ts";

export const TENANT_COOKIE = "konstruct_tenant";

// The view model lives with the views (a view never imports src/admin).
export type { Scope } from "../../views/admin/scope.ts";
import type { Scope } from "../../views/admin/scope.ts";

export type Cookies = Record<string, { value?: unknown; set(o: { value: string; httpOnly: boolean; sameSite: "lax"; path: string }): unknown } | undefined>;

export async function resolveScope(db: Database, p: Principal, query: Record<string, string | undefined>, cookie?: Cookies): Promise<Scope> {
  if (!isPlatformAdmin(p)) return { tenantId: tenantFor(p, query.tenant), tenants: [] };
  const tenants = await listTenants(db);
  const remembered = cookie?.[TENANT_COOKIE]?.value;
  const wanted = query.tenant || (typeof remembered === "string" ? remembered : "");
  const chosen = tenants.find((t) => t.id === wanted) ?? tenants[0] ?? null;
  if (chosen && query.tenant === chosen.id) cookie?.[TENANT_COOKIE]?.set({ value: chosen.id, httpOnly: true, sameSite: "lax", path: "/" });
  if (chosen) requireRead(p, chosen.id);
  return { tenantId: chosen?.id ?? null, tenants };
}

/**
 * What every tenant page starts with: the caller may use the area at all (401/403 otherwise), the
 * tenant it acts on, and — for that tenant — the area again (a tenant admin of another tenant is 403).
 */
export async function pageScope(deps: { db: () => Database | null }, ctx: AdminContext, area: Area) {
  const p = requireArea(ctx.principal, area);
  const db = database(deps);
  const scope = await resolveScope(db, p, ctx.query, ctx.cookie);
  if (scope.tenantId) requireArea(p, area, scope.tenantId);
  return { p, db, scope, tenantId: scope.tenantId };
}
