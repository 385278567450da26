/**
 * Taking a backup: the database part (PGlite's data dir dump, or pg_dump's custom format for an
 * external database), then the data dir's files (files.ts), then the manifest. The same code runs in
 * the serving process (control socket, pre-upgrade) and in the CLI when no server holds the data dir.
 * The output file is written as `<out>.partial` (mode 0600: it may hold the key and always holds
 * sealed secrets) and renamed only once complete, so a crash never leaves a plausible half-archive.
 */
import { createReadStream, createWriteStream, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { Database } from "../db/database.ts";
import type { RawSql } from "../db/driver.ts";
import { KonstructError } from "../errors.ts";
import { VERSION } from "../version.ts";
import { pgDumpToFile } from "./external.ts";
import { dataDirParts } from "./files.ts";
import { FORMAT, FORMAT_VERSION, type Manifest } from "./manifest.ts";
import { unpackArchive } from "./unpack.ts";
import { blobPart, type PartSource, writeArchive } from "./pack.ts";

export interface BackupOptions {
  db: Database;
  dataDir: string;
  includeKey: boolean;
  /** External only: the database URL handed to pg_dump. */
  url?: string;
  /** External only: where pg_dump's output waits before it is archived (default data_dir). */
  scratchDir?: string;
}

/** Streams a complete archive to `out`. */
export async function writeBackup(out: NodeJS.WritableStream, opts: BackupOptions): Promise<Manifest> {
  const migrations = await appliedMigrations(opts.db.driver.raw);
  const header = {
    format: FORMAT,
    format_version: FORMAT_VERSION,
    konstruct_version: VERSION,
    created_at: new Date().toISOString(),
    database: opts.db.mode,
    schema: { migrations },
    includes_key: false,
  } as const;
  const files = () => dataDirParts(opts.dataDir, opts.includeKey);
  if (opts.db.mode === "embedded") {
    if (!opts.db.driver.dumpDataDir) throw new KonstructError("internal", "this database cannot be dumped");
    const dump = await opts.db.driver.dumpDataDir();
    const parts = [blobPart("db/pgdata.tar", dump), ...files()];
    return writeArchive(out, { ...header, includes_key: hasKey(parts) }, parts);
  }
  const tmp = `${opts.scratchDir ?? opts.dataDir}/.konstruct-backup-${process.pid}-${Date.now()}.pgdump`;
  try {
    // Created 0600 first: pg_dump keeps the mode of a file it truncates, and the dump holds every tenant's rows.
    writeFileSync(tmp, "", { mode: 0o600 });
    await pgDumpToFile(opts.url!, tmp);
    const dump: PartSource = { name: "db/pg_dump.custom", bytes: statSync(tmp).size, open: () => createReadStream(tmp) };
    const parts = [dump, ...files()];
    return await writeArchive(out, { ...header, includes_key: hasKey(parts) }, parts);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Writes the archive to `path` through `<path>.partial`, reads it back once to verify every part
 * against the manifest (what a restore will check), then renames it into place.
 */
export async function backupToFile(path: string, write: (out: NodeJS.WritableStream) => Promise<unknown>): Promise<{ manifest: Manifest; bytes: number }> {
  const partial = `${path}.partial`;
  try {
    await write(createWriteStream(partial, { mode: 0o600 }));
    const manifest = await unpackArchive(partial, null, Number.POSITIVE_INFINITY);
    renameSync(partial, path);
    return { manifest, bytes: statSync(path).size };
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

export async function appliedMigrations(raw: RawSql): Promise<string[]> {
  const exists = await raw.query<{ t: string | null }>(`select to_regclass('konstruct_schema_migrations')::text as t`);
  if (!exists[0]?.t) return [];
  return (await raw.query<{ tag: string }>("select tag from konstruct_schema_migrations order by idx")).map((r) => r.tag);
}

function hasKey(parts: PartSource[]): boolean {
  return parts.some((p) => p.name === "files/secret.key");
}
