-- Liveness of the processes that claim inbox events (src/gateway/inbox.ts): one row per owner,
-- `alive_until` pushed forward by its maintenance every third of the inbox lease. Another replica
-- takes over an event only when its claim's lease ran out AND its owner is not alive: a live
-- replica whose turn holds the event row (so the row's own lease cannot be renewed) keeps it.
-- Platform data, no tenant's: written through Database.platform(); read by claims, which run as
-- the tenant role, so konstruct_app may SELECT (owner ids and times only).
CREATE TABLE "inbox_replicas" (
	"owner" text PRIMARY KEY NOT NULL,
	"alive_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE inbox_replicas ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE inbox_replicas FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY platform_all ON inbox_replicas TO konstruct_platform USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY claims_read ON inbox_replicas FOR SELECT TO konstruct_app USING (true);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON inbox_replicas TO konstruct_platform;
--> statement-breakpoint
GRANT SELECT ON inbox_replicas TO konstruct_app;
