/**
 * Free space of data_dir, for the three places a full disk must be said plainly instead of failing
 * obscurely: `serve` start-up (before the embedded database opens — PGlite aborts its wasm on
 * ENOSPC), /readyz (503 with the reason) and knowledge uploads (507 before the body is stored).
 * statfs is one cheap syscall, and the answer is cached for at most a second so a probe storm or an
 * upload burst never turns into a syscall storm. The free-space function is injectable for tests.
 */
import { statfsSync } from "node:fs";
import { KonstructError } from "../errors.ts";

export const MB = 1024 * 1024;

/** Bytes an unprivileged writer may still use in the file system holding `dir`. */
export type FreeSpace = (dir: string) => number;

export const statfsFree: FreeSpace = (dir) => {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
};

export interface DiskSpace {
  readonly dir: string;
  readonly minFreeMb: number;
  /** Free bytes (cached ≤ ttl); Infinity when it cannot be measured (a missing dir is not "full"). */
  free(): number;
  /** The reason data_dir is too full for `incomingBytes` more, or null when there is room. */
  shortage(incomingBytes?: number): string | null;
}

export function diskSpace(dir: string, minFreeMb: number, measure: FreeSpace = statfsFree, ttlMs = 1000): DiskSpace {
  let cached = { at: -Infinity, bytes: Infinity };
  const free = () => {
    const now = performance.now();
    if (now - cached.at >= ttlMs) {
      let bytes = Infinity;
      try {
        bytes = measure(dir);
      } catch {
        // Unmeasurable (no such dir yet, exotic fs): start-up creates it; do not refuse on a guess.
      }
      cached = { at: now, bytes };
    }
    return cached.bytes;
  };
  return {
    dir,
    minFreeMb,
    free,
    shortage(incomingBytes = 0) {
      const bytes = free();
      const need = minFreeMb * MB + incomingBytes;
      if (bytes >= need) return null;
      return `not enough disk space: ${Math.floor(bytes / MB)} MB free, need ${Math.ceil(need / MB)} MB`;
    },
  };
}

/** Throws 507 when an upload of `incomingBytes` would leave data_dir below the minimum. */
export function requireSpace(disk: DiskSpace, incomingBytes = 0): void {
  const reason = disk.shortage(incomingBytes);
  if (reason) throw new KonstructError("insufficient_storage", reason);
}

/** The one start-up line (exit 2, so systemd's RestartPreventExitStatus=2 ends a restart loop). */
export function startupShortage(disk: DiskSpace, freeBytes = disk.free()): KonstructError {
  return new KonstructError(
    "insufficient_storage",
    `data_dir ${disk.dir} has ${Math.floor(freeBytes / MB)} MB free; at least ${disk.minFreeMb} MB needed (disk.min_free_mb)`,
  );
}

/** An error from opening the database that is really a full disk (ENOSPC, or PGlite's wasm abort on one). */
export function isDiskFull(e: unknown, disk: DiskSpace): boolean {
  const err = e as { code?: string; message?: string; cause?: unknown } | null;
  const text = `${err?.code ?? ""} ${err?.message ?? ""}`;
  if (/ENOSPC|no space left/i.test(text)) return true;
  if (err?.cause && err.cause !== e && isDiskFull(err.cause, disk)) return true;
  // A wasm abort says nothing about why; blame the disk only when it is nearly full.
  const abort = (e as Error)?.name === "RuntimeError" || /\bAborted\(/.test(text);
  return abort && disk.free() < Math.max(2 * disk.minFreeMb, 256) * MB;
}

/** Runs the start-up steps that write to data_dir; a full disk on the way becomes the one line. */
export async function diskFullSaysSo<T>(disk: DiskSpace, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps();
  } catch (e) {
    if (e instanceof KonstructError && e.code === "insufficient_storage") throw e;
    if (isDiskFull(e, disk)) throw startupShortage(disk);
    throw e;
  }
}
