import { boolean, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * This deployment's identity, one row shared by its replicas (db/installation.ts): it names the
 * deployment's keys in a Redis that other deployments may share. Platform data.
 */
export const installation = pgTable("installation", {
  singleton: boolean("singleton").primaryKey().default(true),
  id: uuid("id").notNull().defaultRandom(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
