/**
 * Who is asking, and what they may do. Every admin route and API endpoint calls one of the
 * require* guards before touching data; hiding a link is never the protection.
 *   platform_admin: every tenant, and the platform itself (tenants, providers, all users)
 *   tenant_admin:   its own tenant, read and write (agents, channels, users, tokens)
 *   operator:       its own tenant, read only (dashboards, conversations, usage)
 */
import { KonstructError } from "../../errors.ts";

export type Role = "platform_admin" | "tenant_admin" | "operator";
export const ROLES: readonly Role[] = ["platform_admin", "tenant_admin", "operator"];

export interface Principal {
  userId: string;
  email: string;
  role: Role;
  /** Null only for platform_admin. */
  tenantId: string | null;
  /** The console language the user chose (src/i18n); null follows the browser. */
  locale?: string | null;
  /** Their tenant requires two-factor sign-in and they have none yet: only enrolment is open. */
  mustEnrol?: boolean;
}

export function isPlatformAdmin(p: Principal): boolean {
  return p.role === "platform_admin";
}

export function canRead(p: Principal, tenantId: string): boolean {
  return isPlatformAdmin(p) || p.tenantId === tenantId;
}

export function canAdmin(p: Principal, tenantId: string): boolean {
  return isPlatformAdmin(p) || (p.role === "tenant_admin" && p.tenantId === tenantId);
}

function signedIn(p: Principal | null): Principal {
  if (!p) throw new KonstructError("unauthorized", "sign in required");
  return p;
}

/** Any signed-in user; with a tenant, one who may read it. */
export function requireRead(p: Principal | null, tenantId?: string): Principal {
  const who = signedIn(p);
  if (tenantId !== undefined && !canRead(who, tenantId)) throw new KonstructError("forbidden", "not allowed for this tenant");
  return who;
}

/** A tenant admin (of that tenant, when given) or a platform admin. */
export function requireAdmin(p: Principal | null, tenantId?: string): Principal {
  const who = signedIn(p);
  const ok = tenantId === undefined ? who.role !== "operator" : canAdmin(who, tenantId);
  if (!ok) throw new KonstructError("forbidden", "requires the tenant admin role");
  return who;
}

export function requirePlatform(p: Principal | null): Principal {
  const who = signedIn(p);
  if (!isPlatformAdmin(who)) throw new KonstructError("forbidden", "requires the platform admin role");
  return who;
}

/**
 * The tenant a request acts on: a platform admin names it (query/body), everyone else is pinned to
 * their own — naming another tenant is a 403, not silently ignored.
 */
export function tenantFor(p: Principal, requested: string | undefined | null): string | null {
  if (isPlatformAdmin(p)) return requested || null;
  if (requested && requested !== p.tenantId) throw new KonstructError("forbidden", "not allowed for this tenant");
  return p.tenantId;
}
