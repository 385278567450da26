/**
 * Platform-level: who may use the admin console and the admin API, and their credentials.
 *
 * These are platform tables, not tenant tables: a login, a session cookie, an invitation link or a
 * bearer token arrives before any tenant is known, so they are read through Database.platform().
 * A user of a tenant names it in `tenant_id` (null only for platform admins); which tenant's data a
 * principal may touch is decided in code (admin/auth/principal.ts) before any withTenant() call, and
 * the tenant's own data stays behind RLS as always. konstruct_app has no grant on these tables, and
 * they are FORCE RLS with a platform-only policy (migration 0006), so a tenant transaction can never
 * read a password hash or a token hash. Every secret here is a hash: argon2id for passwords, SHA-256
 * of 256-bit random values for session ids, invitation and personal access tokens, recovery codes —
 * except the TOTP secret, which the server must read to check a code: sealed with the master key.
 */
import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { bytea } from "./channels.ts";
import { tenants } from "./tenants.ts";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    /** Stored lower-cased; unique across the appliance (one login, one role). */
    email: text("email").notNull().unique(),
    passwordHash: text("password_hash").notNull(),
    /** platform_admin | tenant_admin | operator */
    role: text("role").notNull(),
    tenantId: uuid("tenant_id").references(() => tenants.id, { onDelete: "cascade" }),
    /** The console language the user chose ("en", "de"); null follows the browser (src/i18n). */
    locale: text("locale"),
    /** "<issuer> <sub>" of the OpenID Connect identity this account signs in with (src/admin/oidc/). */
    oidcSubject: text("oidc_subject"),
    /** TOTP shared secret, sealed (src/secrets); set when enrolment starts (src/admin/two-factor/). */
    totpSecret: bytea("totp_secret"),
    /** Set by the confirming code; null = no second factor asked at sign-in. */
    totpEnabledAt: timestamp("totp_enabled_at", { withTimezone: true }),
    /** The 30-second step of the last accepted code: no code is good twice. */
    totpLastStep: bigint("totp_last_step", { mode: "number" }),
    /** SHA-256 (hex) of each unused recovery code. */
    totpRecovery: jsonb("totp_recovery").$type<string[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("users_tenant").on(t.tenantId),
    uniqueIndex("users_oidc_subject").on(t.oidcSubject),
    check("users_role", sql`${t.role} in ('platform_admin', 'tenant_admin', 'operator')`),
    check("users_role_tenant", sql`(${t.role} = 'platform_admin') = (${t.tenantId} is null)`),
    check("users_totp_recovery", sql`jsonb_typeof(${t.totpRecovery}) = 'array' AND jsonb_array_length(${t.totpRecovery}) <= 20`),
    check("users_totp_enabled", sql`${t.totpEnabledAt} is null or ${t.totpSecret} is not null`),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 (hex) of the cookie value; the value itself is never stored. */
    idHash: text("id_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Sliding: moved forward as the session is used (admin.session_ttl_hours). */
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** How the sign-in was proven: password, password + TOTP, or single sign-on. */
    method: text("method").notNull().default("password"),
  },
  (t) => [index("sessions_user").on(t.userId), index("sessions_expires").on(t.expiresAt), check("sessions_method", sql`${t.method} in ('password', 'totp', 'oidc')`)],
);

export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email").notNull(),
    role: text("role").notNull(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** Set once, when the invitee sets a password; a used invitation never works again. */
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [
    index("invitations_tenant").on(t.tenantId),
    check("invitations_role", sql`${t.role} in ('tenant_admin', 'operator')`),
  ],
);

export const accessTokens = pgTable(
  "access_tokens",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** The first characters of the token, to recognise it in the list. */
    prefix: text("prefix").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("access_tokens_user").on(t.userId)],
);

/** Failed logins per key (`account:<email>` or `ip:<address>`) within the current window. */
export const loginThrottle = pgTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull().defaultNow(),
});

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type AccessToken = typeof accessTokens.$inferSelect;
