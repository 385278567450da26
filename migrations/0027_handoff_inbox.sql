-- The console inbox and the escalation destination (src/handoff/, issue 13). Internal notes on a
-- handoff are never sent to the user; they go with their handoff (erasing a person's conversations
-- erases its handoffs, and so their notes). A tenant's escalation destination is one chat on one of
-- its channels (a Slack channel id, a Telegram group chat id); the notification sent there is
-- remembered on the handoff so a reply in its thread finds the handoff.
CREATE TABLE "handoff_notes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"handoff_id" uuid NOT NULL,
	"author" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "handoff_notes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE INDEX "handoff_notes_handoff" ON "handoff_notes" USING btree ("tenant_id","handoff_id","created_at");
--> statement-breakpoint
ALTER TABLE handoff_notes ADD CONSTRAINT handoff_notes_handoff_fk FOREIGN KEY (tenant_id, handoff_id)
  REFERENCES handoffs (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
SELECT konstruct_isolate('handoff_notes');
--> statement-breakpoint
CREATE TABLE "handoff_destinations" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"channel_id" uuid NOT NULL,
	"chat" text NOT NULL,
	"timeout_minutes" integer DEFAULT 0 NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE handoff_destinations ADD CONSTRAINT handoff_destinations_channel_fk FOREIGN KEY (tenant_id, channel_id)
  REFERENCES channels (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
SELECT konstruct_isolate('handoff_destinations');
--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "notice_channel_id" uuid;
--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "notice_chat" text;
--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "notice_ref" text;
--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "renotified_at" timestamp with time zone;
--> statement-breakpoint
CREATE INDEX "handoffs_status" ON "handoffs" USING btree ("tenant_id","status","created_at");
--> statement-breakpoint
CREATE INDEX "handoffs_notice" ON "handoffs" USING btree ("tenant_id","notice_channel_id","notice_ref");
