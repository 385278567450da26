/** External mode: postgres.js behind the Driver shape, with a bounded connect retry. */
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { KonstructError } from "../errors.ts";
import { redactUrl } from "../log/redact.ts";
import type { Driver, Drizzle, RawSql } from "./driver.ts";
import * as schema from "./schema/index.ts";

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
    drizzle: drizzle({ client: sql, schema }) as unknown as Drizzle,
    raw: wrap(sql),
    listen: async (channel, fn) => {
      const { unlisten } = await sql.listen(channel, fn);
      return { unlisten };
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
