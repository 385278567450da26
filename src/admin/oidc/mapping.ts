/**
 * Claim → console role. The configured claim may hold a string or a list of strings (groups); the
 * first mapping whose value is among them wins, in config order, so a platform admin group listed
 * first outranks the tenant groups the same person is in. No match: no access.
 */
import type { Config } from "../../config/schema.ts";
import type { Role } from "../auth/principal.ts";

export type OidcConfig = NonNullable<Config["admin"]["oidc"]>;

export interface Grant {
  role: Role;
  /** Tenant slug; undefined for platform_admin. */
  tenant?: string;
  /** The claim value that matched (audited). */
  value: string;
}

export function claimValues(claims: Record<string, unknown>, claim: string): string[] {
  const v = claims[claim];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string").slice(0, 1000);
  return [];
}

export function grantFor(oidc: OidcConfig, claims: Record<string, unknown>): Grant | null {
  const have = new Set(claimValues(claims, oidc.claim));
  const m = oidc.mappings.find((m) => have.has(m.value));
  return m ? { role: m.role, tenant: m.tenant, value: m.value } : null;
}
