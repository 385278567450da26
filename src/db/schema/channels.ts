/**
 * Tenant-owned: a channel connection (a Slack app install, a Telegram bot) bound to exactly one agent.
 * Credentials live only in `secrets`, sealed with the master key (secrets/box.ts); `settings` holds
 * the non-secret rest (api_url, api_root, team_id…), so it may be shown and logged.
 */
import { sql } from "drizzle-orm";
import {
  customType,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";

export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

export const channels = pgTable(
  "channels",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    agentId: uuid("agent_id").notNull(),
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    mode: text("mode").notNull(),
    settings: jsonb("settings").$type<Record<string, string>>().notNull().default({}),
    secrets: bytea("secrets").notNull(),
    source: text("source").notNull().default("ui"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique("channels_tenant_name").on(t.tenantId, t.name),
    index("channels_tenant_agent").on(t.tenantId, t.agentId),
    foreignKey({ columns: [t.tenantId, t.agentId], foreignColumns: [agents.tenantId, agents.id] }).onDelete("cascade"),
  ],
);

export type Channel = typeof channels.$inferSelect;
