/**
 * Tenant-owned: how one end user (the channel's sender id) wants to be answered — `voice` or `text`
 * (src/media/reply-mode.ts). No row: the channel's default. Erasing the person deletes it.
 */
import { sql } from "drizzle-orm";
import { check, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const replyPreferences = pgTable(
  "reply_preferences",
  {
    tenantId: uuid("tenant_id").notNull(),
    userKey: text("user_key").notNull(),
    mode: text("mode").$type<"voice" | "text">().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userKey] }),
    check("reply_preferences_mode", sql`${t.mode} IN ('voice', 'text')`),
    check("reply_preferences_user_key", sql`length(${t.userKey}) BETWEEN 1 AND 256`),
  ],
);
