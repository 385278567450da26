import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { embeddedDataDir } from "../../test/support/db.ts";
import { openEmbeddedPglite } from "./embedded.ts";
import { PlanCache } from "./pglite-plans.ts";

describe("PGlite plan cache", () => {
  let dir: { path: string; remove(): void };
  let pg: PGlite;

  beforeAll(async () => {
    dir = await embeddedDataDir();
    pg = await openEmbeddedPglite(join(dir.path, "pg"));
  });
  afterAll(async () => {
    await pg.close();
    dir.remove();
  });

  const prepared = async () => (await pg.query<{ n: number }>("select count(*)::int as n from pg_prepared_statements")).rows[0]!.n;

  test("a repeated statement is prepared once and answers exactly as the unnamed one", async () => {
    const plans = new PlanCache(pg);
    const text = "select $1::text as s, $2::int as i, $3::boolean as b, $4::jsonb as j, $5::timestamptz as at, $6::text as n";
    const params = ["it's a \\ 'quoted' \"text\" $1 --", 42, false, JSON.stringify({ a: "x'y", b: [1, 2] }), new Date("2026-01-02T03:04:05.678Z"), null];
    const unnamed = await pg.query(text, params);
    const before = await prepared();
    const runs = [await plans.query(pg, text, params), await plans.query(pg, text, params), await plans.query(pg, text, params)];
    for (const r of runs) expect(r.rows).toEqual(unnamed.rows);
    expect(await prepared()).toBe(before + 1);
  });

  test("values without a literal form take the unnamed path", async () => {
    const plans = new PlanCache(pg);
    const text = "select length($1::bytea) as n";
    for (let i = 0; i < 3; i++) expect((await plans.query<{ n: number }>(pg, text, [new Uint8Array([1, 2, 3])])).rows[0]!.n).toBe(3);
  });

  test("a failing statement reports its own text, not the values inlined into EXECUTE", async () => {
    const plans = new PlanCache(pg);
    const text = "select 1 / $1::int as x";
    await plans.query(pg, text, [1]);
    await plans.query(pg, text, [1]);
    const err = await plans.query(pg, text, [0]).catch((e) => e);
    expect(err.message).toContain("division by zero");
    expect(err.query).toBe(text);
    expect(err.params).toEqual([0]);
  });

  test("plans survive a rolled-back transaction, and are all made afresh on schedule", async () => {
    const plans = new PlanCache(pg);
    const text = "select $1::int + 1 as x";
    await pg.transaction(async (tx) => {
      await plans.query(tx, text, [1]);
      await plans.query(tx, text, [1]);
      await tx.rollback();
    });
    expect((await plans.query<{ x: number }>(pg, text, [41])).rows[0]!.x).toBe(42);
    for (let i = 0; i < 250; i++) await plans.query(pg, text, [i]);
    expect((await plans.query<{ x: number }>(pg, text, [1])).rows[0]!.x).toBe(2);
    await pg.exec("select 1"); // after the background DEALLOCATE
    // The replan dropped every statement of this cache; only the one used since is prepared again.
    const mine = await pg.query<{ n: number }>("select count(*)::int as n from pg_prepared_statements where statement like 'prepare % as select $1::int + 1 as x'");
    expect(mine.rows[0]!.n).toBe(1);
  });
});
