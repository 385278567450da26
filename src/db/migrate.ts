/**
 * Applies the SQL migrations compiled into this build. One transaction under an advisory lock, so
 * two replicas starting together apply each migration once and a failed migration leaves nothing
 * half-done. A database that has migrations this build does not know (a newer Konstruct ran) or whose
 * applied migrations differ from ours (edited after release) is refused, never "fixed".
 */
import { KonstructError } from "../errors.ts";
import type { RawSql } from "./driver.ts";
import { type EmbeddedMigration, embeddedMigrations } from "./migrations-embed.ts" with { type: "macro" };

const MIGRATIONS: EmbeddedMigration[] = embeddedMigrations();
/** Arbitrary, fixed: identifies Konstruct's migration lock among other advisory locks. */
const LOCK_KEY = 0x6b6f6e73;

const TRACKING = `create table if not exists konstruct_schema_migrations (
  idx integer primary key, tag text not null, hash text not null,
  applied_at timestamptz not null default now())`;

/** The migrations this build knows (a backup's schema is compared with them before a restore). */
export function knownMigrations(): readonly EmbeddedMigration[] {
  return MIGRATIONS;
}

/**
 * The cluster-wide part of the first migration (roles konstruct_app/konstruct_platform and the
 * owner's membership): a logical restore into a new cluster needs them before its GRANTs and policies.
 */
export function clusterRoleStatements(): string[] {
  return MIGRATIONS.find((m) => m.tag === "0001_tenant_isolation")!.statements.slice(0, 3);
}

export interface MigrationStatus {
  applied: number;
  known: number;
  pending: string[];
  /** Present in the database, unknown to this build: the schema is newer than the binary. */
  unknown: string[];
  /** Applied, but their SQL differs from this build's. */
  mismatched: string[];
}

export async function migrationStatus(raw: RawSql, migrations = MIGRATIONS): Promise<MigrationStatus> {
  const exists = await raw.query<{ t: string | null }>(`select to_regclass('konstruct_schema_migrations')::text as t`);
  const rows = exists[0]?.t
    ? await raw.query<{ idx: number; tag: string; hash: string }>(
        "select idx, tag, hash from konstruct_schema_migrations order by idx",
      )
    : [];
  const byIdx = new Map(rows.map((r) => [Number(r.idx), r]));
  const known = new Set(migrations.map((m) => m.idx));
  return {
    applied: rows.length,
    known: migrations.length,
    pending: migrations.filter((m) => !byIdx.has(m.idx)).map((m) => m.tag),
    unknown: rows.filter((r) => !known.has(Number(r.idx))).map((r) => r.tag),
    mismatched: migrations.filter((m) => byIdx.has(m.idx) && byIdx.get(m.idx)!.hash !== m.hash).map((m) => m.tag),
  };
}

export function assertCompatible(status: MigrationStatus): void {
  if (status.unknown.length)
    throw new KonstructError(
      "schema_newer",
      `database schema is newer than this konstruct (unknown migrations: ${status.unknown.join(", ")}); run the newer version`,
    );
  if (status.mismatched.length)
    throw new KonstructError(
      "schema_newer",
      `applied migrations differ from this build's (${status.mismatched.join(", ")}); refusing to continue`,
    );
}

export async function migrate(raw: RawSql, migrations = MIGRATIONS): Promise<string[]> {
  return raw.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [LOCK_KEY]);
    await tx.query(TRACKING);
    const status = await migrationStatus(tx, migrations);
    assertCompatible(status);
    const applied: string[] = [];
    for (const m of migrations) {
      if (!status.pending.includes(m.tag)) continue;
      for (const statement of m.statements) await tx.query(statement);
      await tx.query("insert into konstruct_schema_migrations (idx, tag, hash) values ($1, $2, $3)", [
        m.idx,
        m.tag,
        m.hash,
      ]);
      applied.push(m.tag);
    }
    return applied;
  });
}
