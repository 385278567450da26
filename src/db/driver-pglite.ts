/** Embedded mode: PGlite behind the Driver shape. */
import type { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import type { Driver, Drizzle, RawSql } from "./driver.ts";
import * as schema from "./schema/index.ts";

export function pgliteDriver(pg: PGlite): Driver {
  const wrap = (q: Pick<PGlite, "query" | "exec">): RawSql => ({
    query: async (text, params) =>
      params?.length ? (await q.query(text, params)).rows as never : ((await q.exec(text)).at(-1)?.rows ?? []) as never,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
  });
  return {
    mode: "embedded",
    drizzle: drizzle({ client: pg, schema }) as unknown as Drizzle,
    raw: wrap(pg),
    close: () => pg.close(),
  };
}

