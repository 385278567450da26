/**
 * The daily retention run on the job engine. Every replica's ticker looks once an hour whether
 * today's run happened (one indexed read; pg-boss is not loaded for that) and, if not, queues it
 * under a `stately` key of the day; the handler then claims the day in `retention_runs` (INSERT …
 * ON CONFLICT DO NOTHING), so the run happens once per UTC day across replicas, whichever replica
 * works the job. A run that dies halfway is not repeated that day: deleting is idempotent, the
 * next day's run takes up what is left. One audit entry per tenant per run (counts only).
 */
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import { audit } from "../agent/audit.ts";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import { rowsOf } from "../db/set-sql.ts";
import type { JobEngine } from "../jobs/engine.ts";
import type { AttachmentStore } from "../media/attachments.ts";
import { purgeTenant } from "./purge.ts";
import { anyRetention, retentionFor } from "./settings.ts";

export const RETENTION_QUEUE = "retention";
type RetentionConfig = Pick<Config, "retention" | "tenants">;

export interface RetentionDeps {
  db: Database;
  config: RetentionConfig;
  log: Logger;
  /** Attachment rows and their blobs (files_days); without it stored files are left alone. */
  attachments?: AttachmentStore;
}

export interface RunSummary {
  day: string;
  /** False when another replica (or an earlier job) already ran this day. */
  ran: boolean;
  deleted: number;
  tenants: number;
}

/** Today's run, if this caller claims the day; `batch`/`budgetMs` override the config (tests). */
export async function runRetention(deps: RetentionDeps, day: string, over: { batch?: number; budgetMs?: number; now?: Date } = {}): Promise<RunSummary> {
  const { db, config, log } = deps;
  const claimed = await db.platform((tx) => rowsOf<{ day: string }>(tx, sql`insert into retention_runs (day) values (${day}) on conflict do nothing returning day::text`));
  if (!claimed.length) return { day, ran: false, deleted: 0, tenants: 0 };
  const tenants = await db.platform((tx) => rowsOf<{ id: string; slug: string }>(tx, sql`select id, slug from tenants order by slug`));
  const deadline = performance.now() + (over.budgetMs ?? config.retention.time_budget_seconds * 1000);
  const batch = over.batch ?? config.retention.batch_rows;
  let deleted = 0;
  for (const t of tenants) {
    const days = retentionFor(config, t.slug);
    // One tenant's failure (a lock timeout, a broken row) must not cost the others their purge.
    const result = await purgeTenant(db, t.id, days, { batch, deadline }, over.now, deps.attachments).catch((e: unknown) => {
      log.error({ err: e, tenant: t.slug }, "retention purge failed");
      return null;
    });
    if (!result) continue;
    const { counts, complete } = result;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    deleted += total;
    log.info({ tenant: t.slug, counts, complete }, "retention purge");
    await db.withTenant(t.id, (tx) =>
      audit(tx, { tenantId: t.id, kind: "retention.purge", actor: "system", summary: `retention removed ${total} rows${complete ? "" : " (time budget spent; the rest tomorrow)"}`, data: { day, days, counts, complete } }),
    );
  }
  await db.platform((tx) => rowsOf(tx, sql`update retention_runs set finished_at = now(), deleted = ${deleted} where day = ${day}`));
  return { day, ran: true, deleted, tenants: tenants.length };
}

export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** Declares the queue; call before the engine starts. */
export function defineRetentionJob(engine: JobEngine, deps: RetentionDeps): void {
  engine.define<{ day: string }>(RETENTION_QUEUE, {
    policy: "stately",
    retryLimit: 0,
    expireInSeconds: Math.max(900, deps.config.retention.time_budget_seconds * 2),
    handler: async ({ day }) => void (await runRetention(deps, day)),
  });
}

export interface RetentionTicker {
  /** Queues today's run unless it happened; the timer calls it hourly. True when queued. */
  tick(now?: Date): Promise<boolean>;
  stop(): void;
}

const HOUR_MS = 3_600_000;

export function startRetentionTicker(engine: JobEngine, deps: RetentionDeps, firstAfterMs = 5 * 60_000): RetentionTicker {
  const tick = async (now = new Date()): Promise<boolean> => {
    if (!anyRetention(deps.config)) return false;
    const day = utcDay(now);
    const [done] = await deps.db.platform((tx) => rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from retention_runs where day = ${day}`));
    if (done?.n) return false;
    return (await engine.send(RETENTION_QUEUE, { day }, { singletonKey: `retention:${day}` })) !== null;
  };
  const safe = () => void tick().catch((e) => deps.log.warn({ err: e }, "retention tick failed"));
  // Not at start: a starting process (and its idle memory) never pays for pg-boss here.
  let timer: ReturnType<typeof setTimeout> | ReturnType<typeof setInterval> = setTimeout(() => {
    safe();
    timer = setInterval(safe, HOUR_MS);
    timer.unref?.();
  }, firstAfterMs);
  timer.unref?.();
  return { tick, stop: () => clearTimeout(timer as ReturnType<typeof setTimeout>) };
}
