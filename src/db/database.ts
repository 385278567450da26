/**
 * Database: the only path from application code to rows.
 *  - withTenant(id, fn): one transaction as role konstruct_app with app.tenant_id set; FORCEd RLS
 *    policies restrict every tenant-owned table to that tenant.
 *  - platform(fn): one transaction as role konstruct_platform, which is granted the platform tables
 *    (tenants, llm_providers) and nothing tenant-owned.
 *  - batched(id, op, item): like withTenant, but the transaction is shared with other writes of the
 *    same tenant that are ready at the same moment (group commit, db/group-commit.ts).
 * Owner-level access (`driver.raw`) is for the migrator and doctor alone.
 */
import { DrizzleQueryError, type SQL, sql } from "drizzle-orm";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { KonstructError } from "../errors.ts";
import type { Drizzle, Driver } from "./driver.ts";
import { acquireDataLock } from "./data-lock.ts";
import { initEmbeddedInChild } from "./first-boot.ts";
import { type BatchOp, GroupCommit } from "./group-commit.ts";
import { QuietGate } from "./quiet-gate.ts";
import { rowsOf } from "./set-sql.ts";

export type Tx = Parameters<Parameters<Drizzle["transaction"]>[0]>[0];

/**
 * Group-commit transactions only run batched writes and reads by key. Their plans are made once and
 * cached (pglite-plans.ts, and postgres.js's named statements), and the planner, guessing 100 rows
 * for every recordset and seeing a young, small table, would cache a plan that scans the table —
 * which then grows with every message. Ruling scans out keeps those plans on the indexes.
 */
const KEYED = sql`, set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true)`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Database {
  private readonly group = new GroupCommit((tenantId, fn) => this.quiet.track(this.inTenant(tenantId, KEYED, fn)));

  /** Foreground transactions, for background writers that wait until the database is quiet (quiet-gate.ts). */
  readonly quiet: QuietGate;

  constructor(readonly driver: Driver) {
    this.quiet = new QuietGate(driver.mode === "embedded");
  }

  get mode(): Driver["mode"] {
    return this.driver.mode;
  }

  withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.quiet.track(this.inTenant(tenantId, sql``, fn));
  }

  /** withTenant for bulk work that waits for a quiet database first (see quiet-gate.ts) and is not counted as foreground. */
  async background<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    await this.quiet.whenQuiet();
    return this.inTenant(tenantId, sql``, fn);
  }

  private inTenant<T>(tenantId: string, settings: SQL, fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (!UUID.test(tenantId)) throw new KonstructError("bad_request", `not a tenant id: ${JSON.stringify(tenantId)}`);
    return this.driver.drizzle.transaction(async (tx) => {
      // One statement, not two: SET LOCAL ROLE is set_config('role', …, true). This prologue runs
      // for every transaction, so it is a measurable share of the hot path on PGlite.
      await rowsOf(tx, sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', 'konstruct_app', true)${settings}`);
      return fn(tx);
    }).catch(unwrapQueryError);
  }

  batched<I, R>(tenantId: string, op: BatchOp<I, R>, item: I): Promise<R> {
    if (!UUID.test(tenantId)) return Promise.reject(new KonstructError("bad_request", `not a tenant id: ${JSON.stringify(tenantId)}`));
    return this.group.submit(tenantId, op, item);
  }

  platform<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.quiet.track(this.driver.drizzle.transaction(async (tx) => {
      await rowsOf(tx, sql`select set_config('app.tenant_id', '', true), set_config('role', 'konstruct_platform', true)`);
      return fn(tx);
    }).catch(unwrapQueryError));
  }

  async ping(): Promise<void> {
    await this.driver.raw.query("select 1");
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

/**
 * Drizzle wraps driver errors in a message that embeds the query's parameters — which may be
 * secrets. Surface the database's own error instead (its message carries no parameter values).
 */
function unwrapQueryError(e: unknown): never {
  if (e instanceof DrizzleQueryError && e.cause) throw e.cause;
  throw e;
}

export interface DatabaseOptions {
  url: string;
  dataDir: string;
  poolSize: number;
  connectAttempts: number;
  retryDelayMs?: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (!opts.url) {
    mkdirSync(opts.dataDir, { recursive: true });
    const release = acquireDataLock(join(opts.dataDir, "pg.lock"));
    try {
      // Each mode imports only its own driver: the embedded appliance never loads postgres.js, and an
      // external deployment never loads PGlite's wasm.
      const pgDir = join(opts.dataDir, "pg");
      await initEmbeddedInChild(pgDir);
      const { openEmbeddedPglite } = await import("./embedded.ts");
      const { pgliteDriver } = await import("./driver-pglite.ts");
      const driver = pgliteDriver(await openEmbeddedPglite(pgDir));
      return new Database({ ...driver, close: () => driver.close().finally(release) });
    } catch (e) {
      release();
      throw e;
    }
  }
  if (!/^postgres(ql)?:\/\//.test(opts.url))
    throw new KonstructError("config_invalid", "config: database.url: must start with postgres:// or postgresql://");
  const { postgresDriver } = await import("./driver-postgres.ts");
  return new Database(
    await postgresDriver({
      url: opts.url,
      poolSize: opts.poolSize,
      attempts: opts.connectAttempts,
      retryDelayMs: opts.retryDelayMs,
    }),
  );
}
