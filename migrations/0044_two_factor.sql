-- TOTP two-factor sign-in for password accounts (src/admin/two-factor/). The shared secret is sealed
-- with the master key (src/secrets); it is set when enrolment starts and counts only once
-- `totp_enabled_at` is set by a confirming code. `totp_last_step` is the 30-second step of the last
-- code accepted: no code is good twice. Recovery codes are stored as SHA-256 hashes, each removed
-- when used. A tenant may require two-factor of its users; a session remembers how it was proven,
-- so a single sign-on session (the IdP does its own factors) is not asked to enrol.
ALTER TABLE "users" ADD COLUMN "totp_secret" bytea;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_enabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_last_step" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_recovery" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_totp_recovery" CHECK (jsonb_typeof("totp_recovery") = 'array' AND jsonb_array_length("totp_recovery") <= 20);--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_totp_enabled" CHECK ("totp_enabled_at" is null or "totp_secret" is not null);--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "require_two_factor" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "method" text DEFAULT 'password' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_method" CHECK ("method" in ('password', 'totp', 'oidc'));
