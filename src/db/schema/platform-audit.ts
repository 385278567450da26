/**
 * Platform-level: the people's trail of events that belong to no tenant (a platform admin signing
 * in or out, a failed sign-in naming no tenant's account). Tenant-level events of people go to
 * audit_log like the agents' (src/admin/trail/). Read and written only through Database.platform()
 * (FORCE RLS, platform-only policy, SELECT and INSERT granted: append-only; migration 0031).
 */
import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const platformAudit = pgTable(
  "platform_audit",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    kind: text("kind").notNull(),
    actor: text("actor").notNull().default(""),
    summary: text("summary").notNull(),
    data: jsonb("data").notNull().default({}),
  },
  (t) => [index("platform_audit_time").on(t.at)],
);
