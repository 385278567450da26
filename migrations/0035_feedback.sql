-- Feedback on answers (src/feedback/): one rating per person per outbound answer; rating again
-- updates the row (the unique key). A thumbs-down may carry a correction (bounded here and in code)
-- that is also stored as a memory of the agent.
CREATE TABLE "feedback" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"outbound_id" uuid NOT NULL,
	"conversation_id" uuid,
	"agent_id" uuid NOT NULL,
	"rater" text NOT NULL,
	"rating" smallint NOT NULL,
	"correction" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "feedback_rating" CHECK ("rating" IN (-1, 1)),
	CONSTRAINT "feedback_correction_len" CHECK (char_length("correction") <= 2000)
);
--> statement-breakpoint
ALTER TABLE feedback ADD CONSTRAINT feedback_agent_fk FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE feedback ADD CONSTRAINT feedback_outbound_fk FOREIGN KEY (tenant_id, outbound_id) REFERENCES outbound_messages (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_one_per_rater" ON "feedback" USING btree ("tenant_id","outbound_id","rater");
--> statement-breakpoint
CREATE INDEX "feedback_agent" ON "feedback" USING btree ("tenant_id","agent_id","created_at");
--> statement-breakpoint
SELECT konstruct_isolate('feedback');
