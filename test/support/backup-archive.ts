/** Rewrites a backup archive entry by entry (tests tamper with parts or the manifest). */
import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import tar from "tar-stream";

export async function rewriteArchive(from: string, to: string, edit: (name: string, data: Buffer) => Buffer): Promise<void> {
  const extract = tar.extract();
  const pack = tar.pack();
  const written = pipeline(pack, createGzip(), createWriteStream(to));
  const read = pipeline(createReadStream(from), createGunzip(), extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    const data = edit(entry.header.name, Buffer.concat(chunks));
    pack.entry({ name: entry.header.name, mode: 0o600 }, data);
  }
  await read;
  pack.finalize();
  await written;
}
