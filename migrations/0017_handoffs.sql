CREATE TABLE "handoffs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"rule" text NOT NULL,
	"source" text NOT NULL,
	"status" text DEFAULT 'waiting' NOT NULL,
	"owner" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"taken_at" timestamp with time zone,
	"first_reply_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "handoffs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "handoffs_open" ON "handoffs" USING btree ("tenant_id","conversation_id") WHERE status in ('waiting', 'taken');--> statement-breakpoint
CREATE INDEX "handoffs_recent" ON "handoffs" USING btree ("tenant_id","created_at");--> statement-breakpoint
SELECT konstruct_isolate('handoffs');
