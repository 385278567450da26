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
--> statement-breakpoint
-- One version store: a tenant skill's versions move into config_versions (kind 'skill') and their own
-- table (0037) goes. A skill has no row of its own (its SKILL.md file is the live copy), so its
-- object id is derived from tenant and name: md5('<tenant_id>:<name>') read as a uuid, computed the
-- same way in src/versions/skill.ts. The snapshot is {name, text}. Uploads keep their source.
ALTER TABLE config_versions DROP CONSTRAINT "config_versions_source";--> statement-breakpoint
ALTER TABLE config_versions ADD CONSTRAINT "config_versions_source" CHECK ("source" IN ('console', 'api', 'config', 'rollback', 'chat', 'upload'));--> statement-breakpoint
-- FORCE would hide skill_versions' rows from a migrator that is the owner but not a superuser.
ALTER TABLE skill_versions NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
INSERT INTO config_versions (tenant_id, kind, object_id, version, config, author, source, created_at)
	SELECT tenant_id, 'skill', md5(tenant_id::text || ':' || skill)::uuid, version, jsonb_build_object('name', skill, 'text', text), author, source, created_at FROM skill_versions;--> statement-breakpoint
DROP TABLE skill_versions;
