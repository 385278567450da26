/**
 * The backup `serve` takes before it migrates an embedded database that already has data: a newer
 * binary's migrations are one-way, so the way back is this archive plus the older binary. It is
 * taken only when migrations are pending on a schema that has some applied (never on a fresh data
 * dir), without the master key (it stays in data_dir/secret.key or the config), and the newest
 * `keep` are kept. Bounded: one dump of the data dir, refused up front when it would leave data_dir
 * below disk.min_free_mb; a failure stops the start rather than migrating without a way back.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import type { DiskSpace } from "../db/disk-space.ts";
import type { MigrationStatus } from "../db/migrate.ts";
import { KonstructError } from "../errors.ts";
import { backupToFile, writeBackup } from "./backup.ts";
import { dirBytes, prune, stamp } from "./retention.ts";

const PREFIX = "pre-upgrade-";

export interface PreUpgradeOptions {
  db: Database;
  dataDir: string;
  status: MigrationStatus;
  keep: number;
  disk: DiskSpace;
  log: Logger;
}

/** Returns the archive's path, or null when none was needed. */
export async function preUpgradeBackup(opts: PreUpgradeOptions): Promise<string | null> {
  const { status, db } = opts;
  if (db.mode !== "embedded" || !status.pending.length || !status.applied || status.unknown.length) return null;
  const dir = join(opts.dataDir, "backups");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The archive is at most the data dir's size (compressed, usually far less).
  const pgBytes = dirBytes(join(opts.dataDir, "pg"));
  const short = opts.disk.shortage(pgBytes);
  if (short)
    throw new KonstructError("insufficient_storage", `no room for the pre-upgrade backup (${short}); free space, or set backup.pre_upgrade: false to migrate without one`);
  const last = status.applied ? `after-${status.applied}` : "empty";
  const file = join(dir, `${PREFIX}${stamp()}-${last}.tar.gz`);
  const started = performance.now();
  try {
    const { bytes } = await backupToFile(file, (out) => writeBackup(out, { db, dataDir: opts.dataDir, includeKey: false }));
    opts.log.info({ file, bytes, pending: status.pending, ms: Math.round(performance.now() - started) }, "pre-upgrade backup written");
  } catch (e) {
    throw new KonstructError("internal", `pre-upgrade backup failed (${(e as Error).message}); not migrating. Set backup.pre_upgrade: false to migrate without one`);
  }
  prune(dir, PREFIX, opts.keep, opts.log);
  return file;
}
