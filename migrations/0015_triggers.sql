CREATE TABLE "trigger_deliveries" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"trigger_id" uuid NOT NULL,
	"delivery_id" text,
	"dedupe_key" text,
	"outcome" text NOT NULL,
	"reason" text,
	"task_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trigger_deliveries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "trigger_deliveries_dedupe" UNIQUE("tenant_id","trigger_id","dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "triggers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"public_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text DEFAULT 'webhook' NOT NULL,
	"event" text,
	"scheme" text DEFAULT 'github' NOT NULL,
	"secret" "bytea",
	"agent_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"chat_key" text NOT NULL,
	"reply_to" text,
	"filter" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"template" text NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"source" text DEFAULT 'console' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "triggers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "triggers_public_id" UNIQUE("tenant_id","public_id"),
	CONSTRAINT "triggers_tenant_name" UNIQUE("tenant_id","name")
);
--> statement-breakpoint
CREATE INDEX "trigger_deliveries_recent" ON "trigger_deliveries" USING btree ("tenant_id","trigger_id","at");--> statement-breakpoint
CREATE INDEX "triggers_tenant_event" ON "triggers" USING btree ("tenant_id","kind","event");--> statement-breakpoint
SELECT konstruct_isolate('triggers');
--> statement-breakpoint
SELECT konstruct_isolate('trigger_deliveries');
--> statement-breakpoint
ALTER TABLE triggers ADD CONSTRAINT triggers_agent_fk FOREIGN KEY (tenant_id, agent_id)
  REFERENCES agents (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE triggers ADD CONSTRAINT triggers_channel_fk FOREIGN KEY (tenant_id, channel_id)
  REFERENCES channels (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE trigger_deliveries ADD CONSTRAINT trigger_deliveries_trigger_fk FOREIGN KEY (tenant_id, trigger_id)
  REFERENCES triggers (tenant_id, id) ON DELETE CASCADE;
