/** The tenant a console page shows, as the views receive it (resolved by src/admin/scope.ts). */
import type { Tenant } from "../../src/db/schema/index.ts";

export interface Scope {
  /** Null when no tenant exists yet (platform admin on a fresh install). */
  tenantId: string | null;
  /** The tenants a platform admin may switch between; empty for tenant users. */
  tenants: Tenant[];
}
