-- Attachments people send in chat, kept per tenant (src/media/store.ts): one row per admitted file of
-- an inbound event. The bytes live in the blob store (data_dir/attachments/<tenant>/<hash> or S3
-- under the same key), named by tenant id and content hash only — never by the file name a user
-- sent, which is kept here for display. Tenant-owned under FORCE RLS like every other table.
CREATE TABLE "attachments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"sha256" text NOT NULL,
	"mime" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"channel_id" uuid,
	"inbound_event_id" uuid,
	"user_key" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attachments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "attachments_sha256" CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "attachments_name_len" CHECK (char_length("name") <= 255)
);
--> statement-breakpoint
CREATE INDEX "attachments_event" ON "attachments" USING btree ("tenant_id","inbound_event_id");
--> statement-breakpoint
CREATE INDEX "attachments_hash" ON "attachments" USING btree ("tenant_id","sha256");
--> statement-breakpoint
CREATE INDEX "attachments_age" ON "attachments" USING btree ("tenant_id","created_at");
--> statement-breakpoint
SELECT konstruct_isolate('attachments');
