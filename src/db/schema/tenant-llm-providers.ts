/**
 * Tenant-owned: a tenant's own LLM providers (bring your own key). A chain entry `id/model` of this
 * tenant's agents resolves to the tenant's provider of that id first, then to the platform's.
 */
import { integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { bytea } from "./channels.ts";

export const tenantLlmProviders = pgTable(
  "tenant_llm_providers",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: text("id").notNull(),
    kind: text("kind").notNull(),
    baseUrl: text("base_url").notNull(),
    /** Sealed API key (secrets/box.ts); an empty seal for keyless providers. */
    apiKey: bytea("api_key").notNull(),
    timeoutMs: integer("timeout_ms").notNull().default(60000),
    maxConcurrency: integer("max_concurrency").notNull().default(4),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export type TenantLlmProvider = typeof tenantLlmProviders.$inferSelect;
