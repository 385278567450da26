/**
 * The job engine: queues declared with `define` (name → handler, workers, expiry), jobs sent with
 * `send`, worked by pg-boss. See README.md for why pg-boss and how it shares the database.
 *
 * Invariants: pg-boss is loaded on first need only (idle memory); a handler gets plain data and
 * must open `db.withTenant(data.tenantId)` itself; a handler that throws fails its job (pg-boss
 * retries it up to the queue's retryLimit), so handlers that must not run twice guard themselves
 * with a status transition in their own table.
 */
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import type { RawSql } from "../db/driver.ts";

export interface QueueSpec<T> {
  /**
   * Runs one job; throwing fails it. "deferred": it only put the work back for later (e.g. over a
   * limit), so this worker waits a poll interval before fetching again instead of at once.
   */
  handler: (data: T, job: { id: string }) => Promise<void | "deferred">;
  /** Jobs this process works at once (one pg-boss worker each). */
  workers?: number;
  /** A job active longer than this is taken as orphaned (worker died) and retried or failed. */
  expireInSeconds?: number;
  retryLimit?: number;
  retryDelay?: number;
  /**
   * pg-boss queue policy. `stately`: per singletonKey at most one job waiting and one active — a
   * send while one waits is refused (null), a send while one runs waits for it — so one key's jobs
   * never run at once, on any replica.
   */
  policy?: "standard" | "stately";
}

export interface JobEngineOptions {
  db: Database;
  /** External Postgres URL; empty = the embedded database through `db.driver.raw`. */
  url: string;
  pollSeconds: number;
  log: Logger;
}

export interface SendOptions {
  /** At most one queued-or-active job per key (pg-boss singletonKey). */
  singletonKey?: string;
  /** Seconds from now, or a moment (compared with the database's clock, like the rows it is about). */
  startAfter?: number | Date;
}

const SCHEMA = "pgboss";

export class JobEngine {
  private readonly queues = new Map<string, QueueSpec<never>>();
  private boss: PgBoss | null = null;
  private booting: Promise<PgBoss> | null = null;
  private readonly workerIds = new Map<string, string[]>();
  private stopped = false;

  constructor(private readonly opts: JobEngineOptions) {}

  /** Declares a queue and its handler; call before `start`. */
  define<T>(name: string, spec: QueueSpec<T>): this {
    // A queue declared after boot would get no queue row and no workers.
    if (this.boss || this.booting) throw new Error(`job queue ${name} defined after the engine started`);
    this.queues.set(name, spec as QueueSpec<never>);
    return this;
  }

  /** Boots pg-boss now only if jobs are waiting (a restart with queued work); otherwise on first send. */
  async start(): Promise<void> {
    if (await pendingJobs(this.opts.db.driver.raw)) await this.ready();
  }

  /** Boots pg-boss ahead of work known to come (a schedule due soon), so that work is not late by the boot. */
  async warm(): Promise<void> {
    await this.ready();
  }

  get running(): boolean {
    return this.boss !== null;
  }

  /** The job's id, or null when its singletonKey already has a job waiting (stately queues). */
  async send<T extends object>(name: string, data: T, options: SendOptions = {}): Promise<string | null> {
    const boss = await this.ready();
    const id = await boss.send(name, data, { ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}), ...(options.startAfter ? { startAfter: options.startAfter instanceof Date ? options.startAfter.toISOString() : options.startAfter } : {}) });
    // Our own idle workers pick it up now rather than at their next poll.
    if (!options.startAfter) for (const w of this.workerIds.get(name) ?? []) boss.notifyWorker(w);
    return id;
  }

  /** Resolves once `name` has no job that is due or running (tests, benchmarks); jobs due later do not count. */
  async settled(name: string, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (await dueOrActive(this.opts.db.driver.raw, name)) {
      if (Date.now() > until) throw new Error(`jobs of ${name} did not settle in time`);
      await Bun.sleep(50);
    }
  }

  /**
   * Many jobs onto one queue in one statement (pg-boss `insert`): how a burst — a thousand schedules
   * due in the same minute — is queued without a round trip per job.
   */
  async sendMany<T extends object>(name: string, items: T[]): Promise<void> {
    if (!items.length) return;
    const boss = await this.ready();
    await boss.insert(name, items.map((data) => ({ name, data })));
    for (const w of this.workerIds.get(name) ?? []) boss.notifyWorker(w);
  }

  async cancel(name: string, id: string): Promise<void> {
    if (this.boss) await this.boss.cancel(name, id);
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    const boss = this.boss ?? (await this.booting?.catch(() => null));
    this.boss = null;
    this.booting = null;
    if (boss) await boss.stop({ graceful: true, timeout: timeoutMs, wait: true });
  }

  private ready(): Promise<PgBoss> {
    if (this.boss) return Promise.resolve(this.boss);
    if (this.stopped) return Promise.reject(new Error("job engine stopped"));
    this.booting ??= this.boot().then(
      (b) => (this.boss = b),
      (e) => {
        this.booting = null;
        throw e;
      },
    );
    return this.booting;
  }

  private async boot(): Promise<PgBoss> {
    const { default: PgBossClass } = await import("pg-boss");
    const { db, url, pollSeconds, log } = this.opts;
    const connection = url ? { connectionString: url, max: 2, application_name: "konstruct-jobs" } : { db: executeSqlOn(db.driver.raw) };
    const boss = new PgBossClass({ ...connection, schema: SCHEMA, schedule: false, supervise: true, migrate: true, superviseIntervalSeconds: 30 });
    boss.on("error", (e) => log.warn({ err: e }, "job engine error"));
    await boss.start();
    for (const [name, spec] of this.queues) {
      await boss.createQueue(name, {
        expireInSeconds: spec.expireInSeconds ?? 900,
        retryLimit: spec.retryLimit ?? 2,
        retryDelay: spec.retryDelay ?? 5,
        policy: spec.policy ?? "standard",
      });
      const ids: string[] = [];
      for (let i = 0; i < (spec.workers ?? 1); i++) {
        let self = "";
        self = await boss.work<object>(name, { pollingIntervalSeconds: Math.max(0.5, pollSeconds), batchSize: 1 }, async ([job]) => {
          if (!job) return;
          // A worker that just did work fetches again at once (pg-boss would wait a poll interval
          // after every job): a queued burst drains at the handlers' pace, not one job per poll.
          // One that only deferred its job waits, or deferred jobs would bounce in a tight loop.
          if ((await spec.handler(job.data as never, { id: job.id })) !== "deferred" && self) boss.notifyWorker(self);
        });
        ids.push(self);
      }
      this.workerIds.set(name, ids);
    }
    log.info({ queues: [...this.queues.keys()], database: url ? "external" : "embedded" }, "job engine started");
    return boss;
  }
}

/** pg-boss's `db` adapter over the embedded database (statements without values may be several). */
export function executeSqlOn(raw: RawSql): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      const rows = await raw.query(text, values ?? []);
      // The embedded database answers on this thread and its promises settle as microtasks: without a
      // timer turn between statements, pg-boss's boot (a dozen statements) would hold off requests.
      await new Promise<void>((r) => setTimeout(r, 0));
      return { rows };
    },
  };
}

async function installed(raw: RawSql): Promise<boolean> {
  const [row] = await raw.query<{ t: string | null }>(`select to_regclass('${SCHEMA}.job')::text as t`);
  return Boolean(row?.t);
}

async function pendingJobs(raw: RawSql): Promise<boolean> {
  if (!(await installed(raw))) return false;
  const [row] = await raw.query<{ n: boolean }>(`select exists (select 1 from ${SCHEMA}.job where state < 'completed') as n`);
  return Boolean(row?.n);
}

async function dueOrActive(raw: RawSql, name: string): Promise<boolean> {
  if (!(await installed(raw))) return false;
  const [row] = await raw.query<{ n: boolean }>(`select exists (select 1 from ${SCHEMA}.job where name = $1 and state < 'completed' and start_after <= now()) as n`, [name]);
  return Boolean(row?.n);
}
