/**
 * Exact scan, for a Postgres without pgvector: float32 vectors in bytea, scored here (cosine of
 * normalised vectors = dot product), top k kept. Same answers as HNSW (which is approximate),
 * linear cost; `doctor` says which one is in use.
 *
 * Reading 100k vectors per query costs seconds (transfer and parsing), so a tenant's knowledge-base
 * vectors are kept in process (up to CACHE_BYTES in all, least recently used out) and reloaded when
 * the table changed for that tenant and model — checked per query by a stamp (row count and newest
 * xmin), which any insert, update or delete moves, from this replica or another. Filtered queries
 * (memories of one employee and user: small) always scan.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/set-sql.ts";
import type { Nearest, VectorStore, VectorTable } from "./store.ts";

/** Rows read per round trip: bounds memory while loading. */
const PAGE = 5000;
const CACHE_BYTES = 256 * 1024 * 1024;

interface Cached {
  stamp: string;
  ids: string[];
  matrix: Float32Array;
}

type Query = { table: VectorTable; tenantId: string; model: string; vector: Float32Array; k: number; filter?: SQL };

export class ExactVectors implements VectorStore {
  readonly kind = "exact" as const;
  private readonly cache = new Map<string, Cached>();

  async prepare(): Promise<void> {}

  encode(v: Float32Array): string {
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  }

  decodeSql(expr: SQL): SQL {
    return sql`decode(${expr}, 'base64')`;
  }

  async nearest(tx: Tx, q: Query): Promise<Nearest[]> {
    if (q.filter) return this.scan(tx, q);
    const key = `${q.table}:${q.tenantId}:${q.model}`;
    const [s] = await rowsOf<{ n: number; x: string }>(
      tx,
      sql`select count(*)::int as n, coalesce(max(xmin::text::bigint), 0)::text as x from ${sql.raw(q.table)}
          where tenant_id = ${q.tenantId}::uuid and model = ${q.model} and embedding is not null`,
    );
    const stamp = `${s!.n}:${s!.x}`;
    let hit = this.cache.get(key);
    if (hit?.stamp !== stamp) {
      this.cache.delete(key);
      if (s!.n * q.vector.length * 4 > CACHE_BYTES) return this.scan(tx, q);
      hit = await this.load(tx, q, stamp);
      this.cache.set(key, hit);
      this.evict();
    } else {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, hit);
    }
    const top: Nearest[] = [];
    const dim = q.vector.length;
    for (let r = 0; r < hit.ids.length; r++) {
      let s = 0;
      const o = r * dim;
      for (let i = 0; i < dim; i++) s += hit.matrix[o + i]! * q.vector[i]!;
      insertTop(top, { id: hit.ids[r]!, score: s }, q.k);
    }
    return top;
  }

  private async load(tx: Tx, q: Query, stamp: string): Promise<Cached> {
    const ids: string[] = [];
    const parts: Float32Array[] = [];
    await this.pages(tx, q, (id, v) => (ids.push(id), parts.push(v)));
    const matrix = new Float32Array(ids.length * q.vector.length);
    parts.forEach((v, i) => matrix.set(v, i * q.vector.length));
    return { stamp, ids, matrix };
  }

  private evict(): void {
    let bytes = 0;
    for (const c of this.cache.values()) bytes += c.matrix.byteLength;
    for (const [key, c] of this.cache) {
      if (bytes <= CACHE_BYTES) break;
      this.cache.delete(key);
      bytes -= c.matrix.byteLength;
    }
  }

  private async scan(tx: Tx, q: Query): Promise<Nearest[]> {
    const top: Nearest[] = [];
    await this.pages(tx, q, (id, v) => {
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i]! * q.vector[i]!;
      insertTop(top, { id, score: s }, q.k);
    });
    return top;
  }

  /** Every vector of the tenant and model (matching `filter`) with the query's dimension, in id order. */
  private async pages(tx: Tx, q: Query, each: (id: string, v: Float32Array) => void): Promise<void> {
    const table = sql.raw(q.table);
    for (let after = "00000000-0000-0000-0000-000000000000"; ; ) {
      const rows = await rowsOf<{ id: string; embedding: Uint8Array }>(
        tx,
        sql`select id, embedding from ${table}
            where tenant_id = ${q.tenantId}::uuid and model = ${q.model} and id > ${after}::uuid and embedding is not null${q.filter ? sql` and ${q.filter}` : sql``}
            order by id limit ${PAGE}`,
      );
      for (const r of rows) {
        const v = floats(r.embedding);
        if (v.length === q.vector.length) each(r.id, v);
      }
      if (rows.length < PAGE) return;
      after = rows.at(-1)!.id;
    }
  }
}

function floats(b: Uint8Array): Float32Array {
  // A view when aligned; drivers hand out buffers at arbitrary offsets, so copy otherwise (into a
  // new Uint8Array: Buffer#slice would be a view of the driver's whole pool).
  return b.byteOffset % 4 === 0 ? new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4) : new Float32Array(new Uint8Array(b).buffer);
}

function insertTop(top: Nearest[], n: Nearest, k: number): void {
  if (top.length === k && n.score <= top[k - 1]!.score) return;
  let i = top.length;
  while (i > 0 && top[i - 1]!.score < n.score) i--;
  top.splice(i, 0, n);
  if (top.length > k) top.pop();
}
