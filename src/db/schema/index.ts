/**
 * The whole schema, one file per aggregate. Tenant-owned tables (those with tenant_id) are
 * listed in TENANT_TABLES; the RLS migration and db/rls.test.ts hold every one of them to:
 * tenant_id leads the primary key and every index, RLS enabled and FORCED, reachable only
 * through Database.withTenant().
 */
export * from "./agents.ts";
export * from "./channels.ts";
export * from "./conversations.ts";
export * from "./events.ts";
export * from "./knowledge.ts";
export * from "./llm-providers.ts";
export * from "./memory.ts";
export * from "./tenants.ts";
export * from "./usage.ts";

export const TENANT_TABLES = [
  "agents",
  "audit_log",
  "channel_cursors",
  "channels",
  "conversations",
  "conversation_memory",
  "inbound_events",
  "kb_chunks",
  "kb_documents",
  "llm_calls",
  "memories",
  "messages",
  "outbound_messages",
  "usage_daily",
] as const;
export const PLATFORM_TABLES = ["tenants", "llm_providers"] as const;
/**
 * Search indexes whose access method cannot lead with tenant_id (GIN full-text, pgvector HNSW):
 * RLS and each query's own tenant predicate scope them. db/rls.test.ts allows exactly these.
 */
export const SEARCH_INDEX_PREFIXES = ["kb_chunks_tsv", "kb_chunks_hnsw_", "memories_hnsw_"] as const;
