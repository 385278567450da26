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
import { createHash } from "node:crypto";
import { knownMigrations, migrate } from "../../src/db/migrate.ts";

export const PG_URL = process.env.KTEST_PG_URL ?? "postgres://root@127.0.0.1:5432/test";
export const REDIS_URL = process.env.KTEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const DB_KINDS = ["embedded", "external"] as const;
export type DbKind = (typeof DB_KINDS)[number];

export function tempDir(prefix = "konstruct-test-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A new database on the external server; `owner` makes it owned by that (existing) role.
 * `migrated` copies a migrated template instead of starting empty (see migratedExternalTemplate).
 */
export async function createExternalDatabase(owner?: string, opts: { migrated?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const from = opts.migrated ? await migratedExternalTemplate() : null;
  const name = `kt_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}${owner ? ` owner ${owner}` : ""}${from ? ` template ${from}` : ""}`);
  await admin.end();
  return { url: externalUrl(name, owner), drop: () => dropExternal(name) };
}

function externalUrl(name: string, owner?: string): string {
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  if (owner) url.username = owner;
  return url.toString();
}

async function dropExternal(name: string): Promise<void> {
  const a = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await a.unsafe(`drop database if exists ${name} with (force)`);
  await a.end();
}

/** Names this build's schema: a template migrated by other SQL is never reused. */
const schemaTag = () =>
  createHash("sha256").update(knownMigrations().map((m) => m.hash).join()).digest("hex").slice(0, 16);

let externalTemplate: Promise<string> | null = null;

/**
 * Migrating costs seconds per test database, and ~100 suites each open several. The external server
 * copies a migrated template instead (CREATE DATABASE … TEMPLATE is a file copy); the template is
 * named by the schema's hash, so a later run — or a parallel one — reuses it, and it is built under a
 * temporary name then renamed, so nobody copies a half-migrated one. openTestDatabase still runs
 * migrate() on the copy, which finds nothing pending.
 */
function migratedExternalTemplate(): Promise<string> {
  externalTemplate ??= (async () => {
    const final = `kt_tpl_${schemaTag()}`;
    const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
    try {
      const exists = async () => (await admin`select 1 from pg_database where datname = ${final}`).length > 0;
      if (await exists()) return final;
      const tmp = `${final}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      await admin.unsafe(`create database ${tmp}`);
      const scratch = tempDir();
      const db = await openDatabase({ url: externalUrl(tmp), dataDir: scratch.path, poolSize: 1, connectAttempts: 1 });
      await migrate(db.driver.raw).finally(() => db.close());
      scratch.remove();
      // A concurrent run may have finished first: theirs is as good as ours.
      if (await exists()) await dropExternal(tmp);
      else await admin.unsafe(`alter database ${tmp} rename to ${final}`);
      return final;
    } finally {
      await admin.end();
    }
  })();
  return externalTemplate;
}

export interface TestDatabase {
  db: Database;
  /** Config fragments to point an app at the same database. */
  url: string;
  dataDir: string;
  cleanup(): Promise<void>;
}

const templates = new Map<boolean, Promise<string>>();

/**
 * initdb costs ~3 s per PGlite data dir and migrating ~1 s more; tests copy a freshly initialised
 * template (`migrated`: one with every migration applied) instead. Production never does this: each
 * data dir is initialised by PGlite itself.
 */
export async function embeddedDataDir(opts: { migrated?: boolean } = {}): Promise<{ path: string; remove(): void }> {
  const migrated = opts.migrated ?? false;
  let template = templates.get(migrated);
  if (!template) {
    template = (async () => {
      const dir = migrated ? await embeddedDataDir() : tempDir("konstruct-template-");
      process.on("exit", dir.remove);
      if (migrated) {
        const db = await openDatabase({ url: "", dataDir: dir.path, poolSize: 1, connectAttempts: 1 });
        await migrate(db.driver.raw);
        await db.close();
      } else {
        await (await openEmbeddedPglite(join(dir.path, "pg"))).close();
      }
      return dir.path;
    })();
    templates.set(migrated, template);
  }
  const src = await template;
  const dir = tempDir();
  cpSync(src, dir.path, { recursive: true });
  return dir;
}

export async function openTestDatabase(kind: DbKind, opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrated = opts.migrate ?? true;
  const dir = kind === "embedded" ? await embeddedDataDir({ migrated }) : tempDir();
  const ext = kind === "external" ? await createExternalDatabase(undefined, { migrated }) : null;
  const db = await openDatabase({ url: ext?.url ?? "", dataDir: dir.path, poolSize: 4, connectAttempts: 1 });
  if (migrated) await migrate(db.driver.raw);
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
