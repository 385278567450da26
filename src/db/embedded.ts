// Embedded Postgres (PGlite + pgvector) that opens identically from source and from a
// `bun build --compile` binary. Inside a binary PGlite's own asset lookup (relative to
// import.meta.url) finds nothing, so every asset is imported as a file and handed over explicitly.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
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
  /** Postgres shared_buffers (default 4MB): PGlite touches all of it at start, so it is resident memory (the idle budget is 150 MB); reads still hit the OS page cache behind it. */
  sharedBuffers?: string;
  workMem?: string;
  /** Where the pgvector bundle is materialised; defaults to `<dataDir>/../.konstruct-cache`. */
  cacheDir?: string;
  /**
   * A gzipped dump of a freshly initialised data dir (made at build time by the same PGlite). A fresh
   * data dir is restored from it instead of running initdb: ~3 s and a ~900 MB peak become ~0.5 s.
   */
  template?: Blob | null;
}

export async function openEmbeddedPglite(
  dataDir: string,
  opts: EmbeddedOptions = {},
): Promise<PGlite> {
  const dir = resolve(dataDir);
  const fresh = !existsSync(join(dir, "PG_VERSION"));
  // PGlite's NodeFS only does a non-recursive mkdir.
  mkdirSync(dir, { recursive: true });
  const cacheDir = opts.cacheDir ?? join(dirname(dir), ".konstruct-cache");
  const bundleFile = materialize(vectorBundlePath, cacheDir);

  // initdb's module only serves a data dir without a cluster (and without a template): compiling it
  // on every warm start cost ~1.5 MB of resident heap for nothing.
  const needsInitdb = fresh && !opts.template;
  const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
    (pgliteModule ??= compileWasm(materialize(pgliteWasmPath, cacheDir)).catch((e) => ((pgliteModule = undefined), Promise.reject(e)))),
    needsInitdb ? compileWasm(materialize(initdbWasmPath, cacheDir)) : undefined,
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
    ...(fresh && opts.template ? { loadDataDir: opts.template } : {}),
    pgliteWasmModule,
    ...(initdbWasmModule ? { initdbWasmModule } : {}),
    fsBundle: mappedBundle(materialize(pgliteDataPath, cacheDir)),
    extensions: { vector: vectorExt },
    postgresqlconf: [
      `shared_buffers=${opts.sharedBuffers ?? "4MB"}`,
      `work_mem=${opts.workMem ?? "4MB"}`,
      // A new 16 MB WAL segment is not zero-filled first: that write stalled the pipeline for every
      // ~1,500 messages, and PGlite runs with fsync off, so preallocation bought nothing.
      "wal_init_zero=off",
      // PGlite is one backend: Postgres sizes its lock tables, PGPROC array and sender slots by these,
      // all in shared memory it touches at start (100 connections cost ~4 MB of idle RSS).
      "max_connections=8",
      "max_wal_senders=0",
      "max_replication_slots=0",
    ],
  });
  // initdb leaves ~700 MB of garbage behind; collect it now rather than whenever the GC gets to it.
  if (fresh) Bun.gc(true);
  return db;
}

/**
 * pglite.wasm compiled once per process: a Module can be instantiated any number of times, and
 * compiling it again took seconds of wall time per open where a process opens several data dirs
 * (the tests: one per test database; backup restores). A server opens one and loses nothing.
 */
let pgliteModule: Promise<WebAssembly.Module> | undefined;

/**
 * PGlite's share/lib files (pglite.data, 6 MB) as a private memory map of the cached copy. Emscripten
 * keeps every file as a view into this buffer, so a read copy stayed resident for the whole run; mapped,
 * only the pages Postgres reads (a time zone, plpgsql) are. Private: a write would not reach the file.
 * The cached file is only ever replaced by rename, so the mapped inode never changes under us.
 */
function mappedBundle(path: string): Blob {
  return { arrayBuffer: async () => Bun.mmap(path, { shared: false }).buffer } as Blob;
}

async function compileWasm(path: string): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await Bun.file(path).arrayBuffer());
}

/**
 * Copies an embedded asset to a real file in the cache dir and returns its path. PGlite reads
 * extension bundles with node fs streams, which cannot read $bunfs; and reading the other assets
 * from $bunfs would keep those pages of the binary mapped and counted in RSS for the whole run
 * (~15 MB), while a regular file read leaves them to the kernel's page cache. Embedded names carry
 * a content hash, so name + size identify a version; writes go through rename, so two processes
 * starting at once never see a half-written file.
 */
function materialize(assetPath: string, cacheDir: string): string {
  const size = Bun.file(assetPath).size;
  const file = join(cacheDir, `${size}-${basename(assetPath)}`);
  if (fileSize(file) === size) return file;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  // Bun's node:fs reads $bunfs with readFileSync; only PGlite's stream-based read fails.
  writeFileSync(tmp, readFileSync(assetPath));
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
