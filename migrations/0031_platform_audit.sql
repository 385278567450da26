-- The people's trail of platform-level events (src/admin/trail/): sign-ins of platform admins and
-- failed sign-ins that name no tenant's account. Tenant-level events stay in audit_log. A platform
-- table like api_keys (0022): only konstruct_platform reads it, append-only (no UPDATE/DELETE grant).
CREATE TABLE "platform_audit" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"actor" text DEFAULT '' NOT NULL,
	"summary" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "platform_audit_time" ON "platform_audit" USING btree ("at");
--> statement-breakpoint
ALTER TABLE platform_audit ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE platform_audit FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY platform_all ON platform_audit TO konstruct_platform USING (true) WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT, INSERT ON platform_audit TO konstruct_platform;
