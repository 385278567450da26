/**
 * Tenant-owned: versions of editable configuration (src/versions/) — one table for every kind of
 * object (agent, team, channel, schedule, and kinds added later). Append-only in practice: a rollback
 * is a new version. Rows outlive their object (its history stays readable after a delete) and go
 * with their tenant.
 */
import { check, foreignKey, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { tenants } from "./tenants.ts";

export const VERSION_SOURCES = ["console", "api", "config", "rollback", "chat", "upload"] as const;
export type VersionSource = (typeof VERSION_SOURCES)[number];

export const configVersions = pgTable(
  "config_versions",
  {
    tenantId: uuid("tenant_id").notNull(),
    /** "agent", "team", "channel", "schedule"… — an open list (src/versions/kinds.ts). */
    kind: text("kind").notNull(),
    objectId: uuid("object_id").notNull(),
    version: integer("version").notNull(),
    config: jsonb("config").$type<Record<string, unknown>>().notNull(),
    /** A user's email, an API token's name, or "config". */
    author: text("author").notNull(),
    source: text("source").$type<VersionSource>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.kind, t.objectId, t.version] }),
    check("config_versions_source", sql`${t.source} IN ('console', 'api', 'config', 'rollback', 'chat', 'upload')`),
    check("config_versions_kind", sql`${t.kind} ~ '^[a-z][a-z_]{0,31}$'`),
    foreignKey({ name: "config_versions_tenant_fk", columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete("cascade"),
  ],
);

export type ConfigVersion = typeof configVersions.$inferSelect;
