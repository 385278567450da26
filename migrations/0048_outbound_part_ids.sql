-- A long answer goes out as several messages (Slack splits at 4000 characters). external_id keeps
-- the first part's id; external_part_ids holds every part's id in order (null for a one-part answer),
-- so a 👍/👎 reaction on any part rates the answer (gateway/feedback-buttons.ts). Bounded: an answer
-- has at most a few dozen parts.
ALTER TABLE "outbound_messages" ADD COLUMN "external_part_ids" text[];
--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_part_ids_count" CHECK ("external_part_ids" is null or cardinality("external_part_ids") <= 200);
