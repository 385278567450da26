/**
 * Platform-level: one row per UTC day the retention job ran (src/retention/). Inserting the day is the
 * claim that makes the daily run happen once across replicas; never tenant data.
 */
import { date, integer, pgTable, timestamp } from "drizzle-orm/pg-core";

export const retentionRuns = pgTable("retention_runs", {
  day: date("day", { mode: "string" }).primaryKey(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
  deleted: integer("deleted").notNull().default(0),
});
