/**
 * pgvector: the column is an untyped `vector`, so one table can hold any model's dimension; an HNSW
 * index is partial per dimension over `embedding::vector(dims)` (an index needs a fixed one), made
 * at start for the configured model. Queries repeat the index's expression and predicate literally
 * so the planner can use it. RLS filters after the index scan: iterative scans keep reading the
 * graph until k of this tenant's rows are found.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import type { RawSql } from "../db/driver.ts";
import { rowsOf } from "../db/set-sql.ts";
import { type Nearest, VECTOR_TABLES, type VectorStore, type VectorTable } from "./store.ts";

export class PgVectors implements VectorStore {
  readonly kind = "pgvector" as const;

  async prepare(raw: RawSql, dims: number): Promise<void> {
    const d = dimsOf(dims);
    for (const table of VECTOR_TABLES)
      await raw.transaction(async (tx) => {
        // Building the graph in memory is several times faster than spilling (one-off, at start or re-index).
        await tx.query("set local maintenance_work_mem = '256MB'");
        await tx.query(`create index if not exists ${table}_hnsw_${d} on ${table} using hnsw ((embedding::vector(${d})) vector_cosine_ops) where vector_dims(embedding) = ${d}`);
      });
  }

  /**
   * Nine significant digits: exactly the float32 value back (pgvector stores float4), where the
   * float64 default prints up to 17 — and parsing each digit costs on PGlite (wasm strtof).
   */
  encode(v: Float32Array): string {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i ? "," : "") + v[i]!.toPrecision(9);
    return `${out}]`;
  }

  decodeSql(expr: SQL): SQL {
    return sql`(${expr})::vector`;
  }

  async nearest(tx: Tx, q: { table: VectorTable; tenantId: string; model: string; vector: Float32Array; k: number; filter?: SQL; exactUpTo?: number }): Promise<Nearest[]> {
    const d = sql.raw(String(dimsOf(q.vector.length)));
    const table = sql.raw(q.table);
    // The query vector is one parameter cast once (in `q`), not a parameter per use: each cast of
    // the ~5 kB text parses 512 floats (wasm strtof on PGlite). The HNSW scan takes the InitPlan
    // `(select v from q)` as its order-by value like a constant.
    const given = sql`q as (select ${this.encode(q.vector)}::vector(${d}) as v)`;
    const target = sql`(select v from q)`;
    if (q.filter && q.exactUpTo) {
      // A few rows scored exactly, in one statement: an HNSW walk to find them would visit the tenant's
      // whole graph (the iterative scan reads on until k rows pass the filter): ~3 ms on PGlite at 150 rows.
      const rows = await rowsOf<{ id: string; distance: number; n: number }>(
        tx,
        sql`with ${given}, few as materialized (
              select id, embedding from ${table}
              where vector_dims(embedding) = ${d} and tenant_id = ${q.tenantId}::uuid and model = ${q.model} and ${q.filter}
              limit ${q.exactUpTo + 1})
            select id, embedding::vector(${d}) <=> ${target} as distance, (select count(*) from few)::int as n
            from few order by distance limit ${q.k}`,
      );
      if (!rows.length || Number(rows[0]!.n) <= q.exactUpTo) return rows.map((r) => ({ id: r.id, score: 1 - Number(r.distance) }));
    }
    await rowsOf(tx, sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '64', true)`);
    const rows = await rowsOf<{ id: string; distance: number }>(
      tx,
      sql`with ${given} select id, distance from (
            select id, embedding::vector(${d}) <=> ${target} as distance from ${table}
            where vector_dims(embedding) = ${d} and tenant_id = ${q.tenantId}::uuid and model = ${q.model}${q.filter ? sql` and ${q.filter}` : sql``}
            order by embedding::vector(${d}) <=> ${target} limit ${q.k}) n
          order by distance`,
    );
    return rows.map((r) => ({ id: r.id, score: 1 - Number(r.distance) }));
  }
}

function dimsOf(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 16000) throw new Error(`bad vector dimension ${n}`);
  return n;
}
