/**
 * The whole schema, one file per aggregate. Tenant-owned tables (those with tenant_id) are
 * listed in TENANT_TABLES; the RLS migration and db/rls.test.ts hold every one of them to:
 * tenant_id leads the primary key and every index, RLS enabled and FORCED, reachable only
 * through Database.withTenant().
 */
export * from "./accounts.ts";
export * from "./agents.ts";
export * from "./api-keys.ts";
export * from "./approvals.ts";
export * from "./attachments.ts";
export * from "./channels.ts";
export * from "./conversations.ts";
export * from "./events.ts";
export * from "./feedback.ts";
export * from "./handoffs.ts";
export * from "./heartbeat.ts";
export * from "./installation.ts";
export * from "./knowledge.ts";
export * from "./llm-providers.ts";
export * from "./tenant-llm-providers.ts";
export * from "./memory.ts";
export * from "./retention.ts";
export * from "./platform-audit.ts";
export * from "./reply-preferences.ts";
export * from "./schedules.ts";
export * from "./tasks.ts";
export * from "./skills.ts";
export * from "./teams.ts";
export * from "./tenants.ts";
export * from "./triggers.ts";
export * from "./usage.ts";
export * from "./versions.ts";

export const TENANT_TABLES = [
  "agents",
  "approvals",
  "attachments",
  "audit_log",
  "budget_reservations",
  "canned_replies",
  "channel_cursors",
  "channels",
  "config_versions",
  "conversations",
  "conversation_memory",
  "feedback",
  "handoff_destinations",
  "handoff_hours",
  "handoff_notes",
  "handoffs",
  "heartbeat_runs",
  "inbound_events",
  "kb_chunks",
  "kb_documents",
  "llm_calls",
  "mcp_servers",
  "memories",
  "messages",
  "outbound_messages",
  "reply_preferences",
  "schedule_runs",
  "schedules",
  "tasks",
  "team_members",
  "teams",
  "tenant_llm_providers",
  "tenant_secrets",
  "trigger_deliveries",
  "triggers",
  "usage_daily",
] as const;
/** Admin console accounts (schema/accounts.ts): platform tables, read only through Database.platform(). */
export const ACCOUNT_TABLES = ["users", "sessions", "invitations", "access_tokens", "login_throttle", "api_keys", "platform_audit"] as const;
/** Platform tables that name a tenant without being tenant data (the principal check is in code). */
export const TENANT_NAMING_PLATFORM_TABLES = ["api_keys", "invitations", "users"] as const;
export const PLATFORM_TABLES = ["tenants", "llm_providers", "retention_runs", "inbox_replicas", ...ACCOUNT_TABLES] as const;
/**
 * Search indexes whose access method cannot lead with tenant_id (GIN full-text, pgvector HNSW):
 * RLS and each query's own tenant predicate scope them. db/rls.test.ts allows exactly these.
 */
export const SEARCH_INDEX_PREFIXES = ["kb_chunks_tsv", "kb_chunks_hnsw_", "memories_hnsw_"] as const;
