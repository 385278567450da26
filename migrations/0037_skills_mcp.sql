-- Skills and MCP servers from the console (src/skills/, src/tools/mcp.ts). skill_versions: every
-- save of a tenant skill's SKILL.md (console edit, upload, rollback) is a row, numbered per skill
-- from 1; the file on disk is the live copy. mcp_servers: a tenant's streamable-HTTP MCP servers
-- (stdio stays config-as-code); headers are sealed with the master key like channel secrets.
CREATE TABLE "skill_versions" (
	"tenant_id" uuid NOT NULL,
	"skill" text NOT NULL,
	"version" integer NOT NULL,
	"text" text NOT NULL,
	"author" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "skill_versions_tenant_id_skill_version_pk" PRIMARY KEY("tenant_id","skill","version"),
	CONSTRAINT "skill_versions_source" CHECK ("source" IN ('console', 'upload', 'rollback'))
);
--> statement-breakpoint
ALTER TABLE skill_versions ADD CONSTRAINT skill_versions_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
--> statement-breakpoint
SELECT konstruct_isolate('skill_versions');
--> statement-breakpoint
CREATE TABLE "mcp_servers" (
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"headers" bytea NOT NULL,
	"read_only_tools" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"timeout_ms" integer DEFAULT 30000 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mcp_servers_tenant_id_name_pk" PRIMARY KEY("tenant_id","name")
);
--> statement-breakpoint
ALTER TABLE mcp_servers ADD CONSTRAINT mcp_servers_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
--> statement-breakpoint
SELECT konstruct_isolate('mcp_servers');
