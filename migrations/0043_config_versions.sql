-- Versioned configuration for every kind of object (src/versions/): agents, teams, channels, schedules,
-- and kinds added later (skills…) without a migration: `kind` is an open list of short names.
-- `version` counts per object from 1; the primary key also refuses a second writer that raced past the
-- optimistic check. The agents' versions (0032) move here and their table goes.
CREATE TABLE "config_versions" (
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"object_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"config" jsonb NOT NULL,
	"author" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "config_versions_tenant_id_kind_object_id_version_pk" PRIMARY KEY("tenant_id","kind","object_id","version"),
	CONSTRAINT "config_versions_source" CHECK ("source" IN ('console', 'api', 'config', 'rollback', 'chat')),
	CONSTRAINT "config_versions_kind" CHECK ("kind" ~ '^[a-z][a-z_]{0,31}$')
);
--> statement-breakpoint
ALTER TABLE config_versions ADD CONSTRAINT config_versions_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
--> statement-breakpoint
-- FORCE would hide agent_versions' rows from a migrator that is the owner but not a superuser.
ALTER TABLE agent_versions NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO config_versions (tenant_id, kind, object_id, version, config, author, source, created_at)
	SELECT tenant_id, 'agent', agent_id, version, config, author, source, created_at FROM agent_versions;
--> statement-breakpoint
DROP TABLE agent_versions;
--> statement-breakpoint
SELECT konstruct_isolate('config_versions');
