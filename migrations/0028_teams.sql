CREATE TABLE "teams" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"coordinator_id" uuid NOT NULL,
	"max_fanout" integer DEFAULT 3 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "teams_tenant_slug" UNIQUE("tenant_id","slug")
);
--> statement-breakpoint
CREATE TABLE "team_members" (
	"tenant_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"description" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "team_members_tenant_id_team_id_agent_id_pk" PRIMARY KEY("tenant_id","team_id","agent_id")
);
--> statement-breakpoint
-- An agent coordinates at most one team: its delegate tool and pre-route are never ambiguous.
CREATE UNIQUE INDEX "teams_coordinator" ON "teams" USING btree ("tenant_id","coordinator_id");--> statement-breakpoint
CREATE INDEX "team_members_agent" ON "team_members" USING btree ("tenant_id","agent_id");--> statement-breakpoint
ALTER TABLE teams ADD CONSTRAINT teams_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE teams ADD CONSTRAINT teams_coordinator_fk FOREIGN KEY (tenant_id, coordinator_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE team_members ADD CONSTRAINT team_members_team_fk FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE team_members ADD CONSTRAINT team_members_agent_fk FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
SELECT konstruct_isolate('teams');
--> statement-breakpoint
SELECT konstruct_isolate('team_members');
