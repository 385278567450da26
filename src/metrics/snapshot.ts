/**
 * The database-backed gauges, read when Prometheus scrapes (metrics.beforeScrape) and at most once
 * per `everyMs` (a scrape storm or several Prometheus servers cost one read): inbox and outbox
 * backlog with the age of their oldest item (every tenant, each through withTenant and its partial
 * index), pg-boss queue depth by queue, the database's size and data_dir's bytes. One failing read
 * leaves its gauges at their last value and never fails the scrape.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { and, count, inArray, min, ne, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import { inboundEvents, outboundMessages, tenants } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import type { Metrics } from "../http/metrics.ts";
import { BoundedLabels } from "./labels.ts";

export interface SnapshotDeps {
  db: Database;
  dataDir: string;
  log: Logger;
  /** The channel connections this replica serves (gateway/connections.ts). */
  channels: () => { kind: string; up: boolean }[];
  everyMs?: number;
}

export function snapshotGauges(metrics: Metrics, deps: SnapshotDeps): () => Promise<void> {
  let last = 0;
  let running: Promise<void> | null = null;
  const queues = new BoundedLabels(64);
  const read = async () => {
    const now = Date.now();
    await Promise.all([
      backlog(deps.db, now).then((b) => {
        metrics.inboxBacklog.set(b.inbox.n);
        metrics.inboxOldestSeconds.set(b.inbox.age);
        metrics.outboxBacklog.set(b.outbox.n);
        metrics.outboxOldestSeconds.set(b.outbox.age);
      }),
      jobDepth(deps.db).then((rows) => {
        metrics.jobsQueued.reset();
        for (const r of rows) metrics.jobsQueued.inc({ queue: queues.value(r.name), state: r.state === "active" ? "active" : "queued" }, Number(r.n));
      }),
      deps.db.platform((tx) => rowsOf<{ bytes: string }>(tx, sql`select pg_database_size(current_database())::text as bytes`)).then((r) =>
        metrics.databaseBytes.set({ mode: deps.db.mode }, Number(r[0]?.bytes ?? 0)),
      ),
      dirBytes(deps.dataDir).then((n) => metrics.dataDirBytes.set(n)),
    ].map((p) => p.catch((err) => deps.log.warn({ err }, "a /metrics gauge could not be read"))));
    metrics.channelConnections.reset();
    for (const c of deps.channels()) metrics.channelConnections.inc({ kind: c.kind, state: c.up ? "up" : "down" });
  };
  return async () => {
    if (Date.now() - last < (deps.everyMs ?? 10_000)) return;
    running ??= read().finally(() => ((last = Date.now()), (running = null)));
    await running;
  };
}

type Count = { n: number; age: number };

async function backlog(db: Database, now: number): Promise<{ inbox: Count; outbox: Count }> {
  const out = { inbox: { n: 0, age: 0 }, outbox: { n: 0, age: 0 } };
  const add = (c: Count, n: number, oldest: Date | string | null) => {
    c.n += n;
    if (oldest) c.age = Math.max(c.age, (now - new Date(oldest).getTime()) / 1000);
  };
  for (const { id } of await db.platform((tx) => tx.select({ id: tenants.id }).from(tenants))) {
    await db.withTenant(id, async (tx) => {
      const [i] = await tx.select({ n: count(), oldest: min(inboundEvents.receivedAt) }).from(inboundEvents).where(inArray(inboundEvents.status, ["pending", "processing"]));
      const [o] = await tx
        .select({ n: count(), oldest: min(outboundMessages.createdAt) })
        .from(outboundMessages)
        .where(and(ne(outboundMessages.status, "sent"), inArray(outboundMessages.status, ["pending", "sending"])));
      add(out.inbox, i?.n ?? 0, i?.oldest ?? null);
      add(out.outbox, o?.n ?? 0, o?.oldest ?? null);
    });
  }
  return out;
}

/** pg-boss's own table; absent until the engine first started (then: no jobs). */
async function jobDepth(db: Database): Promise<{ name: string; state: string; n: string }[]> {
  return db.platform(async (tx) => {
    const [found] = await rowsOf<{ t: string | null }>(tx, sql`select to_regclass('pgboss.job')::text as t`);
    if (!found?.t) return [];
    return rowsOf<{ name: string; state: string; n: string }>(tx, sql`select name, state::text as state, count(*)::text as n from pgboss.job where state in ('created', 'retry', 'active') group by 1, 2`);
  });
}

/** Every file's bytes under `dir` (symlinks not followed); unreadable entries count 0. */
export async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) total += await dirBytes(path);
    else if (e.isFile()) total += await stat(path).then((s) => s.size, () => 0);
  }
  return total;
}
