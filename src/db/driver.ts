/**
 * The two ways Konstruct reaches Postgres, behind one shape: embedded PGlite (default) or an external
 * server through postgres.js (driver-pglite.ts, driver-postgres.ts). `RawSql` is owner-level access for the migrator and diagnostics only;
 * application code goes through Database.withTenant()/platform() (db/database.ts).
 */
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema/index.ts";

export type Schema = typeof schema;
export type Drizzle = PgDatabase<PgQueryResultHKT, Schema>;

export interface RawSql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction on one connection (advisory xact locks hold for its duration). */
  transaction<T>(fn: (tx: RawSql) => Promise<T>): Promise<T>;
}

export interface Driver {
  mode: "embedded" | "external";
  drizzle: Drizzle;
  raw: RawSql;
  /**
   * Postgres LISTEN on a dedicated connection (external only; the embedded database has one process,
   * so there is nobody to tell). Payloads are NOTIFYed with pg_notify by any role.
   */
  listen?(channel: string, fn: (payload: string) => void): Promise<{ unlisten(): Promise<void> }>;
  /**
   * Embedded only: a tarball of the PGlite data dir, taken while no transaction is open and no
   * statement runs (a crash-consistent copy; see src/backup/README.md).
   */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

