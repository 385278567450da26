-- Retention (src/retention/): the audit trail stays append-only for the application; the daily
-- retention job removes a tenant's entries older than its cutoff only through this definer function,
-- at most p_limit rows per call (bounded batches: short locks). It relies on the owner policies of
-- migration 0025 (owner_erase_read, owner_erase) to see and delete rows under FORCEd RLS.
CREATE FUNCTION konstruct_retention_audit(p_before timestamptz, p_limit integer) RETURNS integer
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    WITH gone AS (
      DELETE FROM audit_log
      WHERE tenant_id = konstruct_current_tenant()
        AND id IN (SELECT id FROM audit_log
                   WHERE tenant_id = konstruct_current_tenant() AND at < p_before
                   LIMIT least(greatest(p_limit, 1), 50000))
      RETURNING 1)
    SELECT count(*)::integer FROM gone
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION konstruct_retention_audit(timestamptz, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION konstruct_retention_audit(timestamptz, integer) TO konstruct_app;
--> statement-breakpoint
-- One row per UTC day the retention job ran: the claim that makes the daily run happen once across
-- replicas (an INSERT … ON CONFLICT DO NOTHING; the replica whose insert lands runs it). Platform data.
CREATE TABLE "retention_runs" (
	"day" date PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"deleted" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE retention_runs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE retention_runs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY platform_all ON retention_runs TO konstruct_platform USING (true) WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON retention_runs TO konstruct_platform;
