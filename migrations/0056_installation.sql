-- This deployment's identity, shared by all its replicas (src/db/installation.ts): it names the
-- keys and channels this deployment uses in Redis, which other deployments (a hosting partner's
-- other installations, a test run beside a benchmark) may share. Without it, two deployments with
-- a platform provider of the same id shared one `max_concurrency` and could starve each other.
-- One row, made by the first process that starts (not here: a database copied from a migrated
-- template must not inherit its template's identity). Platform data, no tenant's.
CREATE TABLE "installation" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL CHECK ("singleton"),
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE installation ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE installation FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY platform_all ON installation TO konstruct_platform USING (true) WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT, INSERT ON installation TO konstruct_platform;
