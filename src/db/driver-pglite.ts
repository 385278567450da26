/** Embedded mode: PGlite behind the Driver shape. */
import type { PGlite, ParserOptions } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import type { Driver, Drizzle, RawSql } from "./driver.ts";
import { AS_TEXT, withPlanCache } from "./pglite-plans.ts";
import * as schema from "./schema/index.ts";
import { traceStatements } from "./sql-trace.ts";

/** PGlite's own parsing of the AS_TEXT types, which `raw` (migrator, doctor) keeps. */
const usualParsers = new WeakMap<PGlite, ParserOptions>();

export function pgliteDriver(pg: PGlite): Driver {
  let usual = usualParsers.get(pg);
  if (!usual) {
    usual = Object.fromEntries(AS_TEXT.map((oid) => [oid, pg.parsers[oid] ?? ((x: string) => x)]));
    usualParsers.set(pg, usual);
    // Drizzle's reading of these types, made PGlite's default (see AS_TEXT).
    for (const oid of AS_TEXT) pg.parsers[oid] = (x: string) => x;
  }
  const options = { parsers: usual };
  // A profiling aid (sql-trace.ts), off unless asked for; it writes statement texts, never values.
  if (process.env.KONSTRUCT_TRACE_SQL) traceStatements(pg, process.env.KONSTRUCT_TRACE_SQL);
  const wrap = (q: Pick<PGlite, "query" | "exec">): RawSql => ({
    query: async (text, params) =>
      params?.length ? (await q.query(text, params, options)).rows as never : ((await q.exec(text, options)).at(-1)?.rows ?? []) as never,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
  });
  return {
    mode: "embedded",
    // Application statements are planned once per session (pglite-plans.ts); `raw` stays as is.
    drizzle: drizzle({ client: withPlanCache(pg), schema }) as unknown as Drizzle,
    raw: wrap(pg),
    dumpDataDir: async () => {
      // A checkpoint first, so a restore replays little WAL. Then the copy waits for the open
      // transaction (every query takes PGlite's transaction mutex) and holds it while it reads.
      await pg.exec("checkpoint");
      return pg._runExclusiveTransaction(() => pg.dumpDataDir("none"));
    },
    close: () => pg.close(),
  };
}
