/**
 * Plan caching for PGlite. PGlite runs every query as an unnamed statement, so each is parsed and
 * planned afresh, and in wasm planning is a large share of a small statement's cost (a batched
 * multi-CTE write: ~1.5 ms to plan, less than that to run). A statement text seen a second time is
 * PREPAREd once per session and from then on EXECUTEd, so it is planned once. (postgres.js does the
 * same for an external server with protocol-level named statements.)
 *
 * Invariants:
 * - Same results as the unnamed statement: parameters become quoted literals of unknown type, which
 *   Postgres coerces exactly like text-format bind values; a value that has no such literal form
 *   (binary, objects, a NUL byte) takes the unnamed path instead. Quoting is standard-conforming
 *   (a doubled single quote is the only escape), which PGlite always runs with.
 * - A plan made while a table was tiny (a seq scan) must not outlive the table's growth: all plans
 *   are dropped on a schedule of executions that grows tenfold each time (tables grow with it).
 * - Bounded: at most MAX_STATEMENTS prepared; utility statements are never prepared.
 * - PREPARE and DEALLOCATE are not transactional, so a rolled-back transaction leaves the cache true;
 *   a statement that turns out not to exist any more is forgotten and prepared again.
 * - Caches sharing a session never disturb each other: each only drops statements it prepared.
 */
import { type PGlite, type QueryOptions, type Results, type Transaction, types } from "@electric-sql/pglite";

type Queryable = Pick<PGlite | Transaction, "query" | "exec">;

const MAX_STATEMENTS = 200;

/**
 * Types drizzle reads as the server's text (it parses them itself). Drizzle asks for that with a
 * per-query `parsers` option, which costs PGlite a copy of its whole parser table on every
 * statement (~0.17 ms, more than running a small one); so PGlite's own table returns them as text
 * (driver-pglite.ts) and the option is dropped here.
 */
export const AS_TEXT = [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182];
const TEXT_OIDS = new Set(AS_TEXT);
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

export class PlanCache {
  /** `session` is the PGlite instance itself: retired statements are dropped on it, outside any transaction. */
  constructor(private readonly session: Pick<PGlite, "exec">) {}

  private readonly names = new Map<string, string>();
  private readonly seen = new Map<string, number>();
  private counter = 0;
  /** Names are this cache's own: it never drops statements another cache (or anyone) prepared. */
  private readonly prefix = `konstruct_${Math.random().toString(36).slice(2, 8)}_`;
  private executions = 0;
  private replanAt = 200;

  async query<T>(q: Queryable, text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    options = withoutTextParsers(options);
    const args = literals(params);
    if (!args) return q.query<T>(text, params, options);
    if (this.executions >= this.replanAt) this.replan();
    let name = this.names.get(text);
    if (!name) {
      if (!this.worthPreparing(text)) return q.query<T>(text, params, options);
      name = `${this.prefix}${++this.counter}`;
      await q.exec(`prepare ${name} as ${text}`);
      this.names.set(text, name);
    }
    this.executions++;
    try {
      const results = await q.exec(`execute ${name}${args.length ? `(${args.join(", ")})` : ""}`, options);
      return results[results.length - 1] as Results<T>;
    } catch (e) {
      // Whatever happened to the prepared statement, it is not trusted again (prepared afresh next time).
      if ((e as { code?: string }).code === "26000") this.names.delete(text);
      // The error describes the statement as the unnamed path would: no values inlined in its text.
      if (e && typeof e === "object" && "query" in e) Object.assign(e, { query: text, params });
      throw e;
    }
  }

  private worthPreparing(text: string): boolean {
    if (this.names.size >= MAX_STATEMENTS || !PREPARABLE.test(text)) return false;
    const n = (this.seen.get(text) ?? 0) + 1;
    if (this.seen.size > 4 * MAX_STATEMENTS) this.seen.clear();
    this.seen.set(text, n);
    return n >= 2;
  }

  /**
   * Forgets every statement at once (new ones get new names) and drops the old ones on the session
   * once the transaction in progress is over — never inside it, where a failure would be the
   * caller's. Not awaited: PGlite runs it after the current transaction.
   */
  private replan(): void {
    const retired = [...this.names.values()];
    this.names.clear();
    this.executions = 0;
    this.replanAt = Math.min(this.replanAt * 10, 2_000_000);
    if (retired.length) void this.session.exec(retired.map((name) => `deallocate ${name};`).join(" ")).catch(() => {});
  }
}

/** Drizzle's per-query parsers only ask for text, which PGlite's own table already gives. */
function withoutTextParsers(options?: QueryOptions): QueryOptions | undefined {
  if (!options?.parsers || !Object.keys(options.parsers).every((oid) => TEXT_OIDS.has(Number(oid)))) return options;
  const { parsers: _, ...rest } = options;
  return rest;
}

/** Parameters as SQL literals of unknown type, or null if one has no such form. */
function literals(params: unknown[]): string[] | null {
  const out: string[] = [];
  for (const v of params) {
    if (v === null || v === undefined) out.push("null");
    else if (typeof v === "string") {
      if (v.includes("\0")) return null;
      out.push(`'${v.replaceAll("'", "''")}'`);
    } else if (typeof v === "number" || typeof v === "bigint") out.push(`'${v}'`);
    else if (typeof v === "boolean") out.push(v ? "'t'" : "'f'");
    else if (v instanceof Date) out.push(`'${v.toISOString()}'`);
    else return null;
  }
  return out;
}

/** The client drizzle sees: PGlite's own, with every query (in transactions too) going through `plans`. */
export function withPlanCache(pg: PGlite, plans = new PlanCache(pg)): PGlite {
  const wrap = (q: PGlite | Transaction) =>
    ({
      query: (text: string, params?: unknown[], options?: QueryOptions) => plans.query(q, text, params, options),
      exec: (text: string, options?: QueryOptions) => q.exec(text, options),
      transaction: <T>(fn: (tx: Transaction) => Promise<T>) => pg.transaction((tx) => fn(wrap(tx) as unknown as Transaction)),
      rollback: () => (q as Transaction).rollback(),
    }) as unknown as PGlite;
  return wrap(pg);
}
