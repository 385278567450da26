/** Keeping the newest N archives of one kind in data_dir/backups, and sizing what a dump will take. */
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";

/** Archive names carry an ISO time right after the prefix, so they sort by time. */
export function archives(dir: string, prefix: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.startsWith(prefix) && n.endsWith(".tar.gz")).sort();
  } catch {
    return [];
  }
}

export function prune(dir: string, prefix: string, keep: number, log: Logger): void {
  const old = archives(dir, prefix).slice(0, -keep);
  for (const name of old) rmSync(join(dir, name), { force: true });
  if (old.length) log.info({ removed: old }, "older backups removed");
}

/** Bytes under `dir`: an upper bound of what its dump (before compression) needs. */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  return total;
}

export function stamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, "-");
}
