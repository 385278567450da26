/**
 * Platform-level: keys for the OpenAI-compatible API (src/openai/). A key arrives as a bearer
 * before any tenant is known, so like access_tokens it is a platform table read through
 * Database.platform() (FORCE RLS, platform-only policy, no grant to the tenant role; migration
 * 0022). It names its tenant, and optionally one agent: a tenant key may talk to every AI employee
 * of its tenant, an agent key to that one alone. Only the SHA-256 of the key is stored; the key
 * itself is shown once, at creation.
 */
import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./accounts.ts";
import { tenants } from "./tenants.ts";

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** Null: every AI employee of the tenant. Not a foreign key (agents is a tenant table); a deleted agent's key finds nothing. */
    agentId: uuid("agent_id"),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** The first characters of the key, to recognise it in the list. */
    prefix: text("prefix").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("api_keys_tenant").on(t.tenantId)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
