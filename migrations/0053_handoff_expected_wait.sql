-- The expected wait within business hours (src/handoff/, docs/handoff.md): when a tenant sets it, a
-- user who asks for a person while the team is in is told "usually within N minutes". Null: not told.
ALTER TABLE "handoff_hours" ADD COLUMN "expected_wait_minutes" smallint;
--> statement-breakpoint
ALTER TABLE "handoff_hours" ADD CONSTRAINT "handoff_hours_expected_wait" CHECK ("expected_wait_minutes" is null or "expected_wait_minutes" BETWEEN 1 AND 1440);
