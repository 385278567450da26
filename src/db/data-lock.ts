/**
 * PGlite is single-process: two processes on one data directory corrupt it. Whoever opens the
 * embedded database holds data_dir/pg.lock (its pid); a lock whose process is gone (kill -9, power
 * loss) is taken over.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { KonstructError } from "../errors.ts";

export function acquireDataLock(file: string): () => void {
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8").trim());
    if (pid && pid !== process.pid && isAlive(pid))
      throw new KonstructError(
        "conflict",
        `embedded database ${file.replace(/\/pg\.lock$/, "")} is in use by another konstruct process (pid ${pid}); stop it or use an external database`,
      );
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
    } catch {
      // already gone
    }
  };
}

/** The pid of a live holder of the lock, if any (doctor uses it to avoid opening a busy database). */
export function lockHolder(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  return pid && pid !== process.pid && isAlive(pid) ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
