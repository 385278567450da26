/**
 * Copies a file embedded in the compiled binary ($bunfs) to a real file: native libraries cannot be
 * loaded from $bunfs, and transformers.js reads model files through node fs. Skipped when a file of
 * the same size is already there; written to a temporary name and renamed, so two processes
 * extracting at once (serve and doctor) never see half a file.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function copyOut(from: string, to: string): void {
  const size = Bun.file(from).size;
  try {
    if (statSync(to).size === size) return;
  } catch {}
  mkdirSync(dirname(to), { recursive: true });
  const tmp = `${to}.${process.pid}.tmp`;
  writeFileSync(tmp, readFileSync(from));
  renameSync(tmp, to);
}
