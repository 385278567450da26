-- Versioned configuration (src/versions/): every change to an AI employee's editable configuration
-- is a row here, written in the same transaction as the change. `version` counts per agent from 1;
-- the unique key also refuses a second writer that raced past the optimistic check.
CREATE TABLE "agent_versions" (
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"config" jsonb NOT NULL,
	"author" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_versions_tenant_id_agent_id_version_pk" PRIMARY KEY("tenant_id","agent_id","version"),
	CONSTRAINT "agent_versions_source" CHECK ("source" IN ('console', 'api', 'config', 'rollback'))
);
--> statement-breakpoint
ALTER TABLE agent_versions ADD CONSTRAINT agent_versions_agent_fk FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
SELECT konstruct_isolate('agent_versions');
