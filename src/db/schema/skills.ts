/**
 * Tenant-owned: what the console adds to skills and tools. A tenant skill's saved SKILL.md texts
 * are versions in config_versions (kind "skill", src/versions/skill.ts; the file in
 * data_dir/tenants/<slug>/skills is the live copy); `mcp_servers` holds a tenant's streamable-HTTP MCP servers, headers sealed (secrets/box.ts).
 */
import { sql } from "drizzle-orm";
import { check, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { bytea } from "./channels.ts";

export const mcpServers = pgTable(
  "mcp_servers",
  {
    tenantId: uuid("tenant_id").notNull(),
    name: text("name").notNull(),
    url: text("url").notNull(),
    /** JSON object of header name → value, sealed: may hold bearer tokens. */
    headers: bytea("headers").notNull(),
    readOnlyTools: jsonb("read_only_tools").$type<string[]>().notNull().default([]),
    timeoutMs: integer("timeout_ms").notNull().default(30_000),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

export type McpServerRow = typeof mcpServers.$inferSelect;
