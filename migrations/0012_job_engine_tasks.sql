CREATE TABLE "tasks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"number" integer NOT NULL,
	"agent_id" uuid NOT NULL,
	"conversation_id" uuid,
	"channel_id" uuid,
	"chat_key" text,
	"reply_to" text,
	"event_id" uuid,
	"requested_by" text DEFAULT '' NOT NULL,
	"goal" text NOT NULL,
	"context" text DEFAULT '' NOT NULL,
	"expected_output" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"steps" integer DEFAULT 0 NOT NULL,
	"spend_usd" numeric(12, 6) DEFAULT '0' NOT NULL,
	"result" text,
	"error" text,
	"job_id" text,
	"worker" text,
	"heartbeat_at" timestamp with time zone,
	"reported_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "tasks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "tasks_tenant_number" UNIQUE("tenant_id","number")
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "executor_models" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "task_budget_usd" numeric(12, 4) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "task_max_steps" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
CREATE INDEX "tasks_tenant_status" ON "tasks" USING btree ("tenant_id","status","created_at");--> statement-breakpoint
CREATE INDEX "tasks_tenant_agent" ON "tasks" USING btree ("tenant_id","agent_id","status");--> statement-breakpoint
SELECT konstruct_isolate('tasks');
--> statement-breakpoint
ALTER TABLE tasks ADD CONSTRAINT tasks_agent_fk FOREIGN KEY (tenant_id, agent_id)
  REFERENCES agents (tenant_id, id) ON DELETE CASCADE;
