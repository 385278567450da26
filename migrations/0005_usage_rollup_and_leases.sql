CREATE TABLE "usage_daily" (
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"day" date NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"failed_calls" integer DEFAULT 0 NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(14, 6) DEFAULT '0' NOT NULL,
	CONSTRAINT "usage_daily_tenant_id_agent_id_day_provider_model_pk" PRIMARY KEY("tenant_id","agent_id","day","provider","model")
);
--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
SELECT konstruct_isolate('usage_daily');
--> statement-breakpoint
ALTER TABLE usage_daily ADD CONSTRAINT usage_daily_agent_fk FOREIGN KEY (tenant_id, agent_id)
  REFERENCES agents (tenant_id, id) ON DELETE CASCADE;
