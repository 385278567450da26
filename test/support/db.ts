/**
 * Real databases for tests: a fresh PGlite data dir, or a fresh database on the external Postgres
 * (KTEST_PG_URL, default postgres://root@127.0.0.1:5432/test). Both are migrated like production.
 * External tests are not optional: if Postgres is unreachable they fail, they never skip.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { openEmbeddedPglite } from "../../src/db/embedded.ts";
import { migrate } from "../../src/db/migrate.ts";

export const PG_URL = process.env.KTEST_PG_URL ?? "postgres://root@127.0.0.1:5432/test";
export const REDIS_URL = process.env.KTEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const DB_KINDS = ["embedded", "external"] as const;
export type DbKind = (typeof DB_KINDS)[number];

export function tempDir(prefix = "konstruct-test-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A new, empty database on the external server; `owner` makes it owned by that (existing) role. */
export async function createExternalDatabase(owner?: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `kt_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}${owner ? ` owner ${owner}` : ""}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  if (owner) url.username = owner;
  return {
    url: url.toString(),
    drop: async () => {
      const a = postgres(PG_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export interface TestDatabase {
  db: Database;
  /** Config fragments to point an app at the same database. */
  url: string;
  dataDir: string;
  cleanup(): Promise<void>;
}

let template: Promise<string> | null = null;

/**
 * initdb costs ~3 s per PGlite data dir; tests copy one freshly initialised (unmigrated) template
 * instead. Production never does this: each data dir is initialised by PGlite itself.
 */
export async function embeddedDataDir(): Promise<{ path: string; remove(): void }> {
  template ??= (async () => {
    const dir = tempDir("konstruct-template-");
    const pg = await openEmbeddedPglite(join(dir.path, "pg"));
    await pg.close();
    process.on("exit", dir.remove);
    return dir.path;
  })();
  const src = await template;
  const dir = tempDir();
  cpSync(src, dir.path, { recursive: true });
  return dir;
}

export async function openTestDatabase(kind: DbKind, opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const dir = kind === "embedded" ? await embeddedDataDir() : tempDir();
  const ext = kind === "external" ? await createExternalDatabase() : null;
  const db = await openDatabase({ url: ext?.url ?? "", dataDir: dir.path, poolSize: 4, connectAttempts: 1 });
  if (opts.migrate ?? true) await migrate(db.driver.raw);
  return {
    db,
    url: ext?.url ?? "",
    dataDir: dir.path,
    cleanup: async () => {
      await db.close();
      await ext?.drop();
      dir.remove();
    },
  };
}
