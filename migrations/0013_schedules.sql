CREATE TABLE "schedule_runs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"schedule_id" uuid NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"late_ms" integer,
	"task_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedule_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "schedule_runs_due" UNIQUE("tenant_id","schedule_id","due_at")
);
--> statement-breakpoint
CREATE TABLE "schedules" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"number" integer NOT NULL,
	"agent_id" uuid NOT NULL,
	"owner_user" text DEFAULT '' NOT NULL,
	"conversation_id" uuid,
	"channel_id" uuid,
	"chat_key" text,
	"reply_to" text,
	"cron" text NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"instruction" text NOT NULL,
	"missed_policy" text DEFAULT 'run_once' NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"last_run_at" timestamp with time zone,
	"name" text,
	"source" text DEFAULT 'chat' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedules_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "schedules_tenant_number" UNIQUE("tenant_id","number"),
	CONSTRAINT "schedules_tenant_name" UNIQUE("tenant_id","name")
);
--> statement-breakpoint
CREATE INDEX "schedules_tenant_due" ON "schedules" USING btree ("tenant_id","paused","next_run_at");--> statement-breakpoint
SELECT konstruct_isolate('schedules');
--> statement-breakpoint
SELECT konstruct_isolate('schedule_runs');
--> statement-breakpoint
ALTER TABLE schedules ADD CONSTRAINT schedules_agent_fk FOREIGN KEY (tenant_id, agent_id)
  REFERENCES agents (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE schedule_runs ADD CONSTRAINT schedule_runs_schedule_fk FOREIGN KEY (tenant_id, schedule_id)
  REFERENCES schedules (tenant_id, id) ON DELETE CASCADE;
