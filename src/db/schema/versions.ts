/**
 * Tenant-owned: versions of an AI employee's editable configuration (src/versions/). Append-only in
 * practice: a rollback is a new version; rows go with their agent.
 */
import { check, foreignKey, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { agents } from "./agents.ts";

export const VERSION_SOURCES = ["console", "api", "config", "rollback"] as const;
export type VersionSource = (typeof VERSION_SOURCES)[number];

export const agentVersions = pgTable(
  "agent_versions",
  {
    tenantId: uuid("tenant_id").notNull(),
    agentId: uuid("agent_id").notNull(),
    version: integer("version").notNull(),
    config: jsonb("config").$type<Record<string, unknown>>().notNull(),
    /** A user's email, an API token's name, or "config". */
    author: text("author").notNull(),
    source: text("source").$type<VersionSource>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.agentId, t.version] }),
    check("agent_versions_source", sql`${t.source} IN ('console', 'api', 'config', 'rollback')`),
    foreignKey({ name: "agent_versions_agent_fk", columns: [t.tenantId, t.agentId], foreignColumns: [agents.tenantId, agents.id] }).onDelete("cascade"),
  ],
);

export type AgentVersion = typeof agentVersions.$inferSelect;
