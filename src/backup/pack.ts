/**
 * Writes an archive: a gzipped tar of parts streamed one after another (each hashed as it passes),
 * then the manifest. Nothing is buffered beyond what a part's source holds; a part whose source
 * yields more or fewer bytes than declared fails the archive (tar-stream checks the size).
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import tar from "tar-stream";
import { MANIFEST_NAME, type Manifest, type Part } from "./manifest.ts";

export interface PartSource {
  name: string;
  bytes: number;
  open(): AsyncIterable<Uint8Array>;
}

export async function writeArchive(out: NodeJS.WritableStream, header: Omit<Manifest, "parts">, sources: PartSource[]): Promise<Manifest> {
  const pack = tar.pack();
  // Level 1: a PGlite data dir is mostly empty pages, which any level squeezes; higher levels cost CPU
  // on the serving process for a few percent.
  const done = pipeline(pack, createGzip({ level: 1 }), out);
  const parts: Part[] = [];
  try {
    for (const source of sources) parts.push(await addPart(pack, source));
    const manifest: Manifest = { ...header, parts };
    pack.entry({ name: MANIFEST_NAME, mode: 0o600 }, JSON.stringify(manifest, null, 2));
    pack.finalize();
    await done;
    return manifest;
  } catch (e) {
    pack.destroy(e as Error);
    await done.catch(() => {});
    throw e;
  }
}

async function addPart(pack: tar.Pack, source: PartSource): Promise<Part> {
  const hash = createHash("sha256");
  const written = Promise.withResolvers<void>();
  const entry = pack.entry({ name: source.name, size: source.bytes, mode: 0o600 }, (err) => (err ? written.reject(err) : written.resolve()));
  try {
    for await (const chunk of source.open()) {
      hash.update(chunk);
      if (!entry.write(chunk)) await once(entry as never, "drain");
    }
    entry.end();
  } catch (e) {
    entry.destroy(e as Error);
    throw e;
  }
  await written.promise;
  return { name: source.name, bytes: source.bytes, sha256: hash.digest("hex") };
}

/** A part held in memory (PGlite's dump is a Blob). */
export function blobPart(name: string, blob: Blob): PartSource {
  return { name, bytes: blob.size, open: () => blob.stream() as unknown as AsyncIterable<Uint8Array> };
}
