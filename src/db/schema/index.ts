/**
 * The whole schema, one file per aggregate. Tenant-owned tables (those with tenant_id) are
 * listed in TENANT_TABLES; the RLS migration and db/rls.test.ts hold every one of them to:
 * tenant_id leads the primary key and every index, RLS enabled and FORCED, reachable only
 * through Database.withTenant().
 */
export * from "./agents.ts";
export * from "./approvals.ts";
export * from "./channels.ts";
export * from "./conversations.ts";
export * from "./events.ts";
export * from "./llm-providers.ts";
export * from "./tenants.ts";
export * from "./usage.ts";

export const TENANT_TABLES = [
  "agents",
  "approvals",
  "audit_log",
  "channel_cursors",
  "channels",
  "conversations",
  "inbound_events",
  "llm_calls",
  "messages",
  "outbound_messages",
  "tenant_secrets",
  "usage_daily",
] as const;
export const PLATFORM_TABLES = ["tenants", "llm_providers"] as const;
