// Embedded Postgres (PGlite + pgvector) that opens identically from source and from a
// `bun build --compile` binary. Inside a binary PGlite's own asset lookup (relative to
// import.meta.url) finds nothing, so every asset is imported as a file and handed over explicitly.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PGlite, type Extension } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
// @ts-ignore -- TS < 7.1 has no typings for `with { type: "file" }`; Bun yields a path string.
import pgliteWasmPath from "@electric-sql/pglite/pglite.wasm" with { type: "file" };
// @ts-ignore
import initdbWasmPath from "@electric-sql/pglite/initdb.wasm" with { type: "file" };
// @ts-ignore
import pgliteDataPath from "@electric-sql/pglite/pglite.data" with { type: "file" };
// @ts-ignore -- the package's "exports" hide this file, so reach it through node_modules directly.
import vectorBundlePath from "../../node_modules/@electric-sql/pglite-pgvector/dist/vector.tar.gz" with { type: "file" };

export interface EmbeddedOptions {
  /** Postgres shared_buffers; PGlite's default nearly doubles idle RSS (~275 vs ~150 MB). */
  sharedBuffers?: string;
  workMem?: string;
  /** Where the pgvector bundle is materialised; defaults to `<dataDir>/../.konstruct-cache`. */
  cacheDir?: string;
}

export async function openEmbeddedPglite(
  dataDir: string,
  opts: EmbeddedOptions = {},
): Promise<PGlite> {
  const dir = resolve(dataDir);
  const fresh = !existsSync(join(dir, "PG_VERSION"));
  // PGlite's NodeFS only does a non-recursive mkdir.
  mkdirSync(dir, { recursive: true });
  const bundleFile = materializeVectorBundle(opts.cacheDir ?? join(dirname(dir), ".konstruct-cache"));

  const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
    compileWasm(pgliteWasmPath),
    compileWasm(initdbWasmPath),
  ]);

  const vectorExt: Extension = {
    name: vector.name,
    setup: async (pg, emscriptenOpts) => ({
      ...(await vector.setup(pg, emscriptenOpts)),
      // PGlite reads extension bundles with node fs streams, which cannot read $bunfs.
      bundlePath: pathToFileURL(bundleFile),
    }),
  };

  const db = await PGlite.create({
    dataDir: dir,
    pgliteWasmModule,
    initdbWasmModule,
    fsBundle: Bun.file(pgliteDataPath),
    extensions: { vector: vectorExt },
    postgresqlconf: [
      `shared_buffers=${opts.sharedBuffers ?? "16MB"}`,
      `work_mem=${opts.workMem ?? "4MB"}`,
    ],
  });
  // initdb leaves ~700 MB of garbage behind; collect it now rather than whenever the GC gets to it.
  if (fresh) Bun.gc(true);
  return db;
}

async function compileWasm(path: string): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await Bun.file(path).arrayBuffer());
}

/**
 * Copies the embedded pgvector bundle to a real file (same code path from source, so tests cover
 * it). Named by content hash so upgrades never reuse a stale bundle; written via rename so two
 * processes starting at once never see a half-written file.
 */
function materializeVectorBundle(cacheDir: string): string {
  // Bun's node:fs reads $bunfs with readFileSync; only PGlite's stream-based read fails.
  const bytes = readFileSync(vectorBundlePath);
  const file = join(cacheDir, `pgvector-${Bun.hash(bytes).toString(16)}.tar.gz`);
  if (fileSize(file) === bytes.byteLength) return file;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return file;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

/** What `doctor` can show: where the assets live and whether they are embedded in the binary. */
export function embeddedAssetsInfo() {
  const assets = {
    "pglite.wasm": pgliteWasmPath as string,
    "initdb.wasm": initdbWasmPath as string,
    "pglite.data": pgliteDataPath as string,
    "vector.tar.gz": vectorBundlePath as string,
  };
  return {
    standalone: Bun.isStandaloneExecutable,
    assets: Object.fromEntries(
      Object.entries(assets).map(([name, path]) => [name, { path, bytes: Bun.file(path).size }]),
    ),
  };
}
