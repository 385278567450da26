ALTER TABLE "channel_cursors" ADD COLUMN "lease_holder" text;--> statement-breakpoint
ALTER TABLE "channel_cursors" ADD COLUMN "lease_epoch" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channel_cursors" ADD COLUMN "lease_until" timestamp with time zone;