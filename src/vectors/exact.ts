/**
 * Exact scan, for a Postgres without pgvector: float32 vectors in bytea, every candidate row of the
 * tenant and model read and scored here (cosine of normalised vectors = dot product), top k kept.
 * Same answers as HNSW (which is approximate), linear cost; `doctor` says which one is in use.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/set-sql.ts";
import type { Nearest, VectorStore, VectorTable } from "./store.ts";

/** Rows scored per round trip: bounds memory on large knowledge bases. */
const PAGE = 5000;

export class ExactVectors implements VectorStore {
  readonly kind = "exact" as const;

  async prepare(): Promise<void> {}

  encode(v: Float32Array): string {
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  }

  decodeSql(expr: SQL): SQL {
    return sql`decode(${expr}, 'base64')`;
  }

  async nearest(tx: Tx, q: { table: VectorTable; tenantId: string; model: string; vector: Float32Array; k: number; filter?: SQL }): Promise<Nearest[]> {
    const top: Nearest[] = [];
    const table = sql.raw(q.table);
    const dim = q.vector.length;
    for (let after = "00000000-0000-0000-0000-000000000000"; ; ) {
      const rows = await rowsOf<{ id: string; embedding: Uint8Array }>(
        tx,
        sql`select id, embedding from ${table}
            where tenant_id = ${q.tenantId}::uuid and model = ${q.model} and id > ${after}::uuid and embedding is not null${q.filter ? sql` and ${q.filter}` : sql``}
            order by id limit ${PAGE}`,
      );
      for (const r of rows) {
        const v = floats(r.embedding);
        if (v.length !== dim) continue;
        let s = 0;
        for (let i = 0; i < dim; i++) s += v[i]! * q.vector[i]!;
        insertTop(top, { id: r.id, score: s }, q.k);
      }
      if (rows.length < PAGE) return top;
      after = rows.at(-1)!.id;
    }
  }
}

function floats(b: Uint8Array): Float32Array {
  // A view when aligned; drivers hand out buffers at arbitrary offsets, so copy otherwise.
  return b.byteOffset % 4 === 0 ? new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4) : new Float32Array(b.slice().buffer);
}

function insertTop(top: Nearest[], n: Nearest, k: number): void {
  if (top.length === k && n.score <= top[k - 1]!.score) return;
  let i = top.length;
  while (i > 0 && top[i - 1]!.score < n.score) i--;
  top.splice(i, 0, n);
  if (top.length > k) top.pop();
}
