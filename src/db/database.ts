/**
 * Database: the only path from application code to rows.
 *  - withTenant(id, fn): one transaction as role konstruct_app with app.tenant_id set; FORCEd RLS
 *    policies restrict every tenant-owned table to that tenant.
 *  - platform(fn): one transaction as role konstruct_platform, which is granted the platform tables
 *    (tenants, llm_providers) and nothing tenant-owned.
 * Owner-level access (`driver.raw`) is for the migrator and doctor alone.
 */
import { DrizzleQueryError, sql } from "drizzle-orm";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { KonstructError } from "../errors.ts";
import type { Drizzle, Driver } from "./driver.ts";
import { acquireDataLock } from "./data-lock.ts";
import { initEmbeddedInChild } from "./first-boot.ts";

export type Tx = Parameters<Parameters<Drizzle["transaction"]>[0]>[0];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Database {
  constructor(readonly driver: Driver) {}

  get mode(): Driver["mode"] {
    return this.driver.mode;
  }

  withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (!UUID.test(tenantId)) throw new KonstructError("bad_request", `not a tenant id: ${JSON.stringify(tenantId)}`);
    return this.driver.drizzle.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
      await tx.execute(sql`set local role konstruct_app`);
      return fn(tx);
    }).catch(unwrapQueryError);
  }

  platform<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.driver.drizzle.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', '', true)`);
      await tx.execute(sql`set local role konstruct_platform`);
      return fn(tx);
    }).catch(unwrapQueryError);
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
