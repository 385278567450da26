/**
 * Reading an approval's jobs on the job engine (pg-boss's platform table, outside RLS) in tests.
 */
import type { Database } from "../../src/db/database.ts";

export interface JobRow {
  id: string;
  state: string;
  start_after: string;
  singleton_key: string;
}

/** The approval's jobs on the `approval` queue, newest first. */
export async function approvalJobs(db: Database, approvalId: string, purpose = "expire"): Promise<JobRow[]> {
  const [installed] = await db.driver.raw.query<{ t: string | null }>(`select to_regclass('pgboss.job')::text as t`);
  if (!installed?.t) return [];
  return db.driver.raw.query<JobRow>(
    `select id::text, state::text, start_after::text, singleton_key from pgboss.job where name = 'approval' and singleton_key = $1 order by created_on desc`,
    [`${purpose}:${approvalId}`],
  );
}

/** The approval's expiry job while it waits (null before it is queued). */
export async function expiryJob(db: Database, approvalId: string): Promise<JobRow | null> {
  return (await approvalJobs(db, approvalId)).find((j) => j.state === "created") ?? null;
}
