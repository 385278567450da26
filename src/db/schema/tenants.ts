/** Platform-level: one row per tenant. Readable by a tenant-scoped transaction only for its own row. */
import { sql } from "drizzle-orm";
import { boolean, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const tenants = pgTable("tenants", {
  id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  /** `config` rows are owned by konstruct.config.yaml provisioning; `ui` rows by the admin console. */
  source: text("source").notNull().default("ui"),
  /** Its console users must sign in with a second factor (src/admin/two-factor/). */
  requireTwoFactor: boolean("require_two_factor").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Tenant = typeof tenants.$inferSelect;
