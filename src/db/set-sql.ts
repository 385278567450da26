/**
 * Helpers for set-based statements: many rows travel as one JSON parameter (`jsonb_to_recordset`),
 * and several data-modifying statements run as one (`with a as (insert …), b as (update …) select …`).
 * On PGlite a statement costs far more than a row, so the hot path writes this way; both drivers
 * accept exactly the same SQL.
 */
import { getTableColumns, type SQL, sql } from "drizzle-orm";
import { PgDialect, type PgTable } from "drizzle-orm/pg-core";
import type { Tx } from "./database.ts";

const dialect = new PgDialect();

/** The transaction's own connection: a PGlite transaction, or a postgres.js one. */
type Client = { query?(text: string, params: unknown[]): Promise<{ rows: unknown[] }>; unsafe?(text: string, params: unknown[]): Promise<unknown[]> };

/**
 * Rows of a raw statement, run on the transaction's own connection: drizzle's per-statement
 * overhead (~0.18 ms on PGlite) is more than a small statement costs. Falls back to drizzle if the
 * session does not look as expected (drizzle is pinned; the tests run both drivers).
 */
export async function rowsOf<T>(tx: Tx, query: SQL): Promise<T[]> {
  const client = (tx._.session as unknown as { client?: Client }).client;
  if (client?.unsafe || client?.query) {
    const { sql: text, params } = dialect.sqlToQuery(query);
    if (client.unsafe) return (await client.unsafe(text, params)) as T[];
    return (await client.query!(text, params)).rows as T[];
  }
  const r = (await tx.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(r) ? r : r.rows;
}

/** A raw row (`select t.*`) as drizzle's select would have returned it: camelCase keys, mapped values. */
export function fromRow<T extends PgTable>(table: T, row: Record<string, unknown>): T["$inferSelect"] {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = row[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T["$inferSelect"];
}

/**
 * Ids of rows written set-based are made here, not by the column default, and are time-ordered
 * (UUIDv7). gen_random_uuid() costs PGlite an open of /dev/urandom through the wasm file system per
 * call (~25 µs; a turn writes nine rows); and random keys land on random pages of every primary
 * key index, so once the tables outgrow shared_buffers each insert reads and dirties a cold page,
 * while time-ordered keys keep appending to the same few hot ones.
 */
export const newId = (): string => Bun.randomUUIDv7();

/** `jsonb_to_recordset(<rows as one parameter>) as <alias>(<columns>)`. */
export function recordset(rows: unknown[], alias: string, columns: string): SQL {
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as ${sql.raw(alias)}(${sql.raw(columns)})`;
}

/**
 * Ids as one `uuid[]` parameter. Rows of a big table are matched through `id = any(<this>)` as well
 * as any join: it keeps the plan on the primary key index whatever the planner guesses about the
 * recordset's size (it guesses 100 rows, which favours scanning the table for a hash join).
 */
export function uuidArray(ids: string[]): SQL {
  return sql`${`{${ids.join(",")}}`}::uuid[]`;
}

export type Part = readonly [name: string, query: SQL] | null;

/**
 * One statement out of several: each named part becomes a CTE (null parts are left out), then
 * `final`. Parts see the same snapshot: one only sees another's rows through its RETURNING.
 */
export function statement(parts: Part[], final: SQL = sql`select 1 as ok`): SQL {
  const ctes = parts.filter((p) => p !== null).map(([name, q]) => sql`${sql.raw(name)} as (${q})`);
  return ctes.length ? sql`with ${sql.join(ctes, sql`, `)} ${final}` : final;
}
