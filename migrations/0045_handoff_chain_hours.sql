-- Handoff escalation chain, stored summary and business hours (src/handoff/, docs/handoff.md).
-- A tenant's escalation destinations become an ordered chain (position 0 is the first; when nobody
-- takes a handoff within a step's timeout the next one is notified), at most three steps.
ALTER TABLE "handoff_destinations" ADD COLUMN "position" smallint DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "handoff_destinations" DROP CONSTRAINT "handoff_destinations_pkey";
--> statement-breakpoint
ALTER TABLE "handoff_destinations" ADD CONSTRAINT "handoff_destinations_tenant_id_position_pk" PRIMARY KEY("tenant_id","position");
--> statement-breakpoint
ALTER TABLE "handoff_destinations" ADD CONSTRAINT "handoff_destinations_position" CHECK ("position" BETWEEN 0 AND 2);
--> statement-breakpoint
-- The model's summary is written once (by the first notification) and carried by every later one;
-- notice_level is the chain step whose notification is the latest.
ALTER TABLE "handoffs" ADD COLUMN "summary" text;
--> statement-breakpoint
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_summary_len" CHECK ("summary" is null or char_length("summary") <= 600);
--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "notice_level" smallint DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- A tenant's business hours (one row per tenant): handoff timeouts count open time only and a user
-- escalating outside them is told when a person will answer. `week` maps mon..sun to "HH:MM-HH:MM"
-- ranges (validated in code, bounded here); holidays are ISO dates.
CREATE TABLE "handoff_hours" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"timezone" text NOT NULL,
	"week" jsonb NOT NULL,
	"holidays" text[] DEFAULT '{}' NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "handoff_hours_timezone_len" CHECK (char_length("timezone") BETWEEN 1 AND 64),
	CONSTRAINT "handoff_hours_week_size" CHECK (pg_column_size("week") <= 4000),
	CONSTRAINT "handoff_hours_holidays_count" CHECK (cardinality("holidays") <= 100),
	CONSTRAINT "handoff_hours_language" CHECK (char_length("language") BETWEEN 2 AND 16)
);
--> statement-breakpoint
SELECT konstruct_isolate('handoff_hours');
