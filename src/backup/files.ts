/**
 * The data dir's files a restore needs besides the database: skills (data_dir/skills), tenant files
 * (data_dir/tenants/<slug>/…), the files people sent and knowledge-base originals
 * (data_dir/attachments/<tenant>/<xx>/<sha256>, src/media/store.ts; S3 objects are the bucket's own
 * to back up), the instance id (inbox claims recognise their owner after a restore) and, only when
 * asked, the master key (data_dir/secret.key). Caches, models, locks, the control socket and earlier
 * backups are left out: they are rebuilt, re-pulled or would nest. The files are listed after the
 * database dump: a blob is written before the row that names it, so every row in the dump has its
 * bytes in the archive.
 */
import { createReadStream, existsSync, lstatSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { KonstructError } from "../errors.ts";
import type { PartSource } from "./pack.ts";

export const KEY_FILE = "secret.key";
/** Top-level entries of data_dir a backup carries (a restore accepts no others). */
export const TREES = ["skills", "tenants", "attachments"] as const;
export const SINGLE_FILES = ["instance-id", KEY_FILE] as const;
/**
 * Skills and tenant files are few; attachments are one file per distinct file sent. This bounds a
 * runaway tree, and unpack.ts (entries) and the manifest's size (~250 bytes a part) allow it.
 */
export const MAX_FILES = 200_000;

export function dataDirParts(dataDir: string, includeKey: boolean): PartSource[] {
  const files: string[] = [];
  for (const tree of TREES) walk(join(dataDir, tree), files);
  for (const name of SINGLE_FILES) {
    if (name === KEY_FILE && !includeKey) continue;
    const path = join(dataDir, name);
    if (existsSync(path) && lstatSync(path).isFile()) files.push(path);
  }
  return files.map((path) => ({
    name: `files/${relative(dataDir, path).split(sep).join("/")}`,
    bytes: lstatSync(path).size,
    open: () => createReadStream(path),
  }));
}

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Symlinks are not followed: a link could point anywhere on the host.
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
    if (out.length > MAX_FILES) throw new KonstructError("too_large", `more than ${MAX_FILES} files under ${dir}; not backing that up`);
  }
}
