-- Per-chat ordering across replicas (gateway/inbox.ts): every event carries its chat and an arrival
-- number; an event is run only when no earlier unfinished event of its chat is held by another
-- process. /cancel events have no chat_key: they must reach the turn they cancel.
ALTER TABLE "inbound_events" ADD COLUMN "chat_key" text;
--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "arrival" bigint GENERATED ALWAYS AS IDENTITY;
--> statement-breakpoint
UPDATE "inbound_events" SET "chat_key" = "message"->>'chatKey' WHERE "status" IN ('pending', 'processing') AND coalesce("message"->>'command', '') <> 'cancel';
--> statement-breakpoint
CREATE INDEX "inbound_events_chat_unfinished" ON "inbound_events" ("tenant_id", "channel_id", "chat_key", "arrival") WHERE "status" IN ('pending', 'processing') AND "chat_key" IS NOT NULL;
