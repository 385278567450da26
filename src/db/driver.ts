/**
 * The two ways Konstruct reaches Postgres, behind one shape: embedded PGlite (default) or an external
 * server through postgres.js. `RawSql` is owner-level access for the migrator and diagnostics only;
 * application code goes through Database.withTenant()/platform() (db/database.ts).
 */
import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { KonstructError } from "../errors.ts";
import { redactUrl } from "../log/redact.ts";
import * as schema from "./schema/index.ts";

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
  close(): Promise<void>;
}

export function pgliteDriver(pg: PGlite): Driver {
  const wrap = (q: Pick<PGlite, "query" | "exec">): RawSql => ({
    query: async (text, params) =>
      params?.length ? (await q.query(text, params)).rows as never : ((await q.exec(text)).at(-1)?.rows ?? []) as never,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
  });
  return {
    mode: "embedded",
    drizzle: drizzlePglite({ client: pg, schema }) as unknown as Drizzle,
    raw: wrap(pg),
    close: () => pg.close(),
  };
}

export interface ExternalOptions {
  url: string;
  poolSize: number;
  attempts: number;
  /** First retry delay; doubles up to 5 s. Tests shorten it. */
  retryDelayMs?: number;
}

export async function postgresDriver(opts: ExternalOptions): Promise<Driver> {
  const sql = postgres(opts.url, {
    max: opts.poolSize,
    connect_timeout: 5,
    onnotice: () => {},
    // Statements inside our own transactions must not be re-prepared across SET ROLE boundaries.
    prepare: true,
  });
  let delay = opts.retryDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`select 1`;
      break;
    } catch (e) {
      if (attempt >= opts.attempts) {
        await sql.end({ timeout: 0 });
        throw new KonstructError(
          "db_unavailable",
          `database: cannot connect to ${redactUrl(opts.url)} after ${attempt} attempt(s): ${(e as Error).message}`,
          { cause: e },
        );
      }
      await Bun.sleep(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }
  const wrap = (q: postgres.Sql | postgres.TransactionSql): RawSql => ({
    query: (text, params) => q.unsafe(text, (params ?? []) as never[]) as never,
    transaction: (fn) => sql.begin((tx) => fn(wrap(tx))) as never,
  });
  return {
    mode: "external",
    drizzle: drizzlePostgres({ client: sql, schema }) as unknown as Drizzle,
    raw: wrap(sql),
    close: () => sql.end({ timeout: 5 }),
  };
}
