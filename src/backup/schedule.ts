/**
 * Scheduled backups of an embedded database (config `backup.every_hours`, 0 = off): the serving
 * process writes data_dir/backups/scheduled-<time>.tar.gz (no key) once the newest is that old, and
 * keeps the newest `backup.keep`. A plain minute timer, not the job engine: an embedded database has
 * exactly one process, so there is nothing to claim, and "due" is read from the files themselves, so
 * a restart neither repeats nor skips one. A tick never throws: no room (disk.min_free_mb) or a
 * failure is logged and tried again one `every` later, so a full or broken disk is not hammered. External databases: use the database's own scheduled backups (docs/backup.md).
 */
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import type { DiskSpace } from "../db/disk-space.ts";
import { backupToFile, writeBackup } from "./backup.ts";
import { archives, dirBytes, prune, stamp } from "./retention.ts";

const PREFIX = "scheduled-";
const CHECK_MS = 60_000;

export interface ScheduleOptions {
  db: Database;
  dataDir: string;
  everyMs: number;
  keep: number;
  disk: DiskSpace;
  log: Logger;
}

export interface ScheduledBackups {
  /** Writes a backup if one is due; the file, or null. The timer calls it every minute. */
  tick(now?: number): Promise<string | null>;
  stop(): Promise<void>;
}

export function startScheduledBackups(opts: ScheduleOptions): ScheduledBackups {
  const dir = join(opts.dataDir, "backups");
  let running: Promise<string | null> | null = null;
  let lastFailure = -Infinity;
  const due = (now: number) => {
    const newest = archives(dir, PREFIX).at(-1);
    const last = newest ? statSync(join(dir, newest)).mtimeMs : -Infinity;
    return now - Math.max(last, lastFailure) >= opts.everyMs;
  };
  const take = async (now: number): Promise<string | null> => {
    if (!due(now)) return null;
    const short = opts.disk.shortage(dirBytes(join(opts.dataDir, "pg")));
    if (short) {
      lastFailure = now;
      opts.log.warn({ reason: short }, "scheduled backup skipped: no room in data_dir");
      return null;
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${PREFIX}${stamp(new Date(now))}.tar.gz`);
    const started = performance.now();
    try {
      const { bytes } = await backupToFile(file, (out) => writeBackup(out, { db: opts.db, dataDir: opts.dataDir, includeKey: false }));
      opts.log.info({ file, bytes, ms: Math.round(performance.now() - started) }, "scheduled backup written");
    } catch (e) {
      lastFailure = now;
      opts.log.error({ err: e }, "scheduled backup failed");
      return null;
    }
    prune(dir, PREFIX, opts.keep, opts.log);
    return file;
  };
  const tick = (now = Date.now()) => (running ??= take(now).finally(() => (running = null)));
  const timer = setInterval(() => void tick(), CHECK_MS);
  timer.unref();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
