ALTER TABLE "heartbeat_runs" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "heartbeat_runs" ADD COLUMN "delivery_tried_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "heartbeat_runs" ADD COLUMN "delivery_error" text;--> statement-breakpoint
CREATE INDEX "heartbeat_runs_undelivered" ON "heartbeat_runs" USING btree ("tenant_id","at") WHERE decision = 'notify' and delivered_at is null;