/** Writes migrations/0057_job_engine_schema.sql from the installed pg-boss (run again when pg-boss is upgraded, as a new migration). Usage: bun scripts/pgboss-schema.ts > migrations/NNNN_….sql */
import PgBoss from "pg-boss";
const plan: string = (PgBoss as any).getConstructionPlans("pgboss");
const body = plan
  .replace(/^\s*BEGIN;\s*SET LOCAL lock_timeout = \d+;\s*SET LOCAL idle_in_transaction_session_timeout = \d+;\s*SELECT pg_advisory_xact_lock\([\s\S]*?\);\s*/, "")
  .replace(/\s*COMMIT;\s*$/, "");
if (body.includes("$boss$") || body.includes("BEGIN;") || body.includes("COMMIT;")) throw new Error("unexpected plan shape");
const version = (await import("../node_modules/pg-boss/package.json")).version;
process.stdout.write(`-- The job engine's own tables (pg-boss ${version}, schema version 26), created with the rest of the
-- schema instead of by pg-boss's first boot. That boot is lazy (the first job ever sent: often a
-- document upload under load) and its schema creation is one ~80 ms statement; on the embedded
-- database it ran on the server's thread in the middle of serving. Created only where pg-boss has
-- not created it already; pg-boss migrates it from here on, as before.
-- Generated from PgBoss.getConstructionPlans('pgboss') (its BEGIN/lock/COMMIT wrapper left out: the
-- migrator runs this in its own transaction under its own advisory lock).
DO $kx$
BEGIN
  IF to_regclass('pgboss.version') IS NULL THEN
    EXECUTE $boss$
${body.trim()}
$boss$;
  END IF;
END
$kx$;
--> statement-breakpoint
-- /metrics reads the job backlog as konstruct_platform (metrics/snapshot.ts); the schema is the
-- owner's, so without these the gauge failed once pg-boss had booted. Reading the partitioned parent
-- checks the parent's privileges only, so queues pg-boss adds later need nothing more.
GRANT USAGE ON SCHEMA pgboss TO konstruct_platform;
--> statement-breakpoint
GRANT SELECT ON pgboss.job TO konstruct_platform;
`);
