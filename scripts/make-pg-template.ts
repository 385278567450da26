/**
 * Writes a gzipped dump of a freshly initialised PGlite data dir (with pgvector loaded) to argv[2].
 * Run by scripts/build.ts; the binary restores new data dirs from it instead of running initdb.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEmbeddedPglite } from "../src/db/embedded.ts";

const out = process.argv[2];
if (!out) throw new Error("usage: bun scripts/make-pg-template.ts OUT.tar.gz");
const dir = mkdtempSync(join(tmpdir(), "konstruct-pgtemplate-"));
try {
  const pg = await openEmbeddedPglite(join(dir, "pg"), { cacheDir: join(dir, "cache") });
  await Bun.write(out, await pg.dumpDataDir("gzip"));
  await pg.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
