/**
 * Restoring: unpack into a staging dir inside data_dir and verify everything (checksums, format,
 * schema not newer than this binary) before the target is touched; then load the database (PGlite
 * restores its dump into a fresh data dir exactly as first boot restores the template; pg_restore
 * for an external database), move the files into place and remove the staging dir. A target that
 * already holds data is refused unless `force`, and then what it held is moved aside to
 * data_dir/backups/replaced-<time>/, never deleted. A running server on the data dir is always refused.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { acquireDataLock, lockHolder } from "../db/data-lock.ts";
import { openDatabase } from "../db/database.ts";
import { clusterRoleStatements, knownMigrations, migrationStatus } from "../db/migrate.ts";
import { statfsFree } from "../db/disk-space.ts";
import { KonstructError } from "../errors.ts";
import { pgRestoreFromFile } from "./external.ts";
import { KEY_FILE, SINGLE_FILES, TREES } from "./files.ts";
import { assertSchemaKnown, type Manifest, refuse } from "./manifest.ts";
import { unpackArchive } from "./unpack.ts";

export interface RestoreOptions {
  file: string;
  dataDir: string;
  /** database.url: empty = embedded. */
  url: string;
  force: boolean;
  minFreeMb: number;
  /** secrets.key from config (then the archive's key file is not what serve uses). */
  configuredKey: string;
}

/** What a data dir may hold and still count as empty: caches, models, backups, a stale lock. */
const IGNORED = new Set([".konstruct-cache", "models", "backups", "run", "pg.lock"]);
const RESTORED = ["pg", ...TREES, ...SINGLE_FILES];

export async function restoreBackup(opts: RestoreOptions): Promise<{ manifest: Manifest; notes: string[] }> {
  const embedded = !opts.url;
  const lock = join(opts.dataDir, "pg.lock");
  const holder = lockHolder(lock);
  if (holder) throw new KonstructError("conflict", `konstruct (pid ${holder}) is serving ${opts.dataDir}; stop it before restoring`);
  // External: data_dir holds only files (and each replica's own instance-id, which is kept).
  const occupied = existsSync(opts.dataDir)
    ? readdirSync(opts.dataDir).filter((n) => !IGNORED.has(n) && !n.startsWith(".restore-") && (embedded || (n !== "instance-id" && RESTORED.includes(n))))
    : [];
  if (occupied.length && !opts.force)
    throw new KonstructError("conflict", `${opts.dataDir} is not empty (${occupied.slice(0, 5).join(", ")}); restore into an empty data_dir, or pass --force to move what is there to data_dir/backups/`);
  mkdirSync(opts.dataDir, { recursive: true });
  const release = embedded ? acquireDataLock(lock) : () => {};
  const staging = join(opts.dataDir, `.restore-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  try {
    const room = statfsFree(opts.dataDir) - opts.minFreeMb * 1024 * 1024;
    const manifest = await unpackArchive(opts.file, staging, Math.max(0, room));
    assertSchemaKnown(manifest, knownMigrations());
    if (manifest.database !== (embedded ? "embedded" : "external"))
      throw refuse(`it is a backup of an ${manifest.database} database; ${embedded ? "set database.url to restore it into Postgres" : "unset database.url to restore it into the embedded database"}`);
    if (embedded) await loadEmbedded(staging, opts.dataDir);
    else await loadExternal(staging, opts.url, opts.force);
    if (occupied.length) moveAside(opts.dataDir, occupied.filter((n) => RESTORED.includes(n) && (n !== KEY_FILE || manifest.includes_key)));
    if (embedded) renameSync(join(staging, "pg"), join(opts.dataDir, "pg"));
    const files = join(staging, "files");
    if (existsSync(files))
      for (const name of readdirSync(files)) {
        if (!embedded && name === "instance-id" && existsSync(join(opts.dataDir, name))) continue;
        renameSync(join(files, name), join(opts.dataDir, name));
      }
    if (manifest.includes_key) chmodSync(join(opts.dataDir, KEY_FILE), 0o600);
    return { manifest, notes: notes(manifest, opts) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    release();
  }
}

async function loadEmbedded(staging: string, dataDir: string): Promise<void> {
  const { openEmbeddedPglite } = await import("../db/embedded.ts");
  const pg = await openEmbeddedPglite(join(staging, "pg"), {
    template: Bun.file(join(staging, "db/pgdata.tar")),
    cacheDir: join(dataDir, ".konstruct-cache"),
  });
  try {
    // Opens the restored cluster for real (WAL replayed) before it replaces anything.
    await pg.query("select count(*) from konstruct_schema_migrations");
  } finally {
    await pg.close();
  }
  rmSync(join(staging, "db"), { recursive: true, force: true });
}

async function loadExternal(staging: string, url: string, force: boolean): Promise<void> {
  const db = await openDatabase({ url, dataDir: "", poolSize: 1, connectAttempts: 1 });
  try {
    const status = await migrationStatus(db.driver.raw);
    if (status.applied && !force)
      throw new KonstructError("conflict", "the database already holds a konstruct schema; restore into an empty database, or pass --force to replace its objects");
    for (const statement of clusterRoleStatements()) await db.driver.raw.query(statement);
  } finally {
    await db.close();
  }
  await pgRestoreFromFile(url, join(staging, "db/pg_dump.custom"), force);
}

/** A key the archive does not replace stays where it is: the restored secrets may need it. */
function moveAside(dataDir: string, names: string[]): void {
  const aside = join(dataDir, "backups", `replaced-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(aside, { recursive: true, mode: 0o700 });
  for (const name of names) renameSync(join(dataDir, name), join(aside, name));
}

function notes(m: Manifest, opts: RestoreOptions): string[] {
  const out: string[] = [];
  if (opts.configuredKey && m.includes_key) out.push("secrets.key is set in the config: serve uses it, not the restored data_dir/secret.key; it must be the key this backup was sealed with");
  if (!m.includes_key && !opts.configuredKey && !existsSync(join(opts.dataDir, KEY_FILE)))
    out.push("this backup has no master key: put the original secret.key into data_dir (or set secrets.key) before serving, or sealed secrets (channel tokens, provider keys) cannot be opened");
  return out;
}
