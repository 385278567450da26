/**
 * Where embeddings live: the `embedding` column of kb_chunks and memories, whose type migration
 * 0008 chose when it ran — pgvector `vector` (HNSW, pgvector.ts) or float32 `bytea` scanned
 * exactly (exact.ts). Both answer the same question the same way: the k rows nearest a query by
 * cosine similarity, among the current tenant's rows of the current model that pass `filter`.
 */
import type { SQL } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import type { RawSql } from "../db/driver.ts";
import { ExactVectors } from "./exact.ts";
import { PgVectors } from "./pgvector.ts";

export const VECTOR_TABLES = ["kb_chunks", "memories"] as const;
export type VectorTable = (typeof VECTOR_TABLES)[number];

export interface Nearest {
  id: string;
  score: number;
}

export interface VectorStore {
  readonly kind: "pgvector" | "exact";
  /** Owner-level, at start: whatever the store needs for vectors of `dims` (HNSW indexes). */
  prepare(raw: RawSql, dims: number): Promise<void>;
  /** One SQL value holding `v`, for `set embedding = <this>`-style writes (rows as jsonb text). */
  encode(v: Float32Array): string;
  /** SQL expression turning the encoded text `expr` into the column's type. */
  decodeSql(expr: SQL): SQL;
  /**
   * `exactUpTo`: the caller expects `filter` to select few rows (one user's memories); while it
   * selects at most this many they are scored exactly, without an index walk (faster there, and
   * exact); beyond that the index answers as without it.
   */
  nearest(tx: Tx, q: { table: VectorTable; tenantId: string; model: string; vector: Float32Array; k: number; filter?: SQL; exactUpTo?: number }): Promise<Nearest[]>;
}

/** The store matching how this database's embedding columns were created. */
export async function detectVectorStore(raw: RawSql): Promise<VectorStore> {
  const [col] = await raw.query<{ type: string }>(
    "select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'kb_chunks'::regclass and attname = 'embedding'",
  );
  return col?.type === "vector" ? new PgVectors() : new ExactVectors();
}
