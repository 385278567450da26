-- Canned replies (src/handoff/canned.ts): a tenant's saved answers that its people insert into the
-- console inbox's reply box. Titles are unique per tenant (config as code upserts by title).
CREATE TABLE "canned_replies" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "canned_replies_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "canned_replies_title_len" CHECK (char_length("title") BETWEEN 1 AND 80),
	CONSTRAINT "canned_replies_body_len" CHECK (char_length("body") BETWEEN 1 AND 4000)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "canned_replies_title" ON "canned_replies" USING btree ("tenant_id","title");
--> statement-breakpoint
SELECT konstruct_isolate('canned_replies');
