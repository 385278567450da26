CREATE TABLE "heartbeat_runs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"items" integer DEFAULT 0 NOT NULL,
	"found" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"decision" text NOT NULL,
	"message" text,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 9) DEFAULT '0' NOT NULL,
	CONSTRAINT "heartbeat_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "heartbeat" jsonb;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "heartbeat_next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "heartbeat_last_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "heartbeat_runs_agent" ON "heartbeat_runs" USING btree ("tenant_id","agent_id","at");--> statement-breakpoint
SELECT konstruct_isolate('heartbeat_runs');
