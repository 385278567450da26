/**
 * Reads an archive into a staging directory, hashing every part as it is written, and returns the
 * verified manifest. Bounded: only regular files under known names (no links, no `..`), at most
 * files.ts's MAX_FILES (+100) of them and `maxBytes` unpacked in total (a gzip bomb stops there), a manifest of at most 64 MB. Every part the
 * manifest lists must be present with its size and sha256, and nothing else may be: a tampered,
 * truncated or padded archive is refused before anything outside the staging dir is touched.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { MAX_FILES, SINGLE_FILES, TREES } from "./files.ts";
import { MANIFEST_NAME, type Manifest, parseManifest, refuse } from "./manifest.ts";

/** A part is ~250 bytes of (indented) manifest: room for files.ts's MAX_FILES and the database parts. */
const MAX_MANIFEST = 64 * 1024 * 1024;
/** An archive with more entries than files.ts ever writes is not one of ours. */
const MAX_ENTRIES = MAX_FILES + 100;
const SEGMENT = /^[^/\\\0]+$/;

export function allowedName(name: string): boolean {
  if (name === MANIFEST_NAME || name === "db/pgdata.tar" || name === "db/pg_dump.custom") return true;
  const segments = name.split("/");
  if (segments[0] !== "files" || segments.length < 2) return false;
  if (!segments.every((s) => SEGMENT.test(s) && s !== "." && s !== "..")) return false;
  const top = segments[1]!;
  if ((SINGLE_FILES as readonly string[]).includes(top)) return segments.length === 2;
  return (TREES as readonly string[]).includes(top) && segments.length > 2;
}

/** `staging` null: only verify (hash every part, write nothing). */
export async function unpackArchive(file: string, staging: string | null, maxBytes: number): Promise<Manifest> {
  const seen = new Map<string, { bytes: number; sha256: string }>();
  let manifestText: string | null = null;
  let total = 0;
  const extract = tar.extract();
  const consume = (async () => {
    for await (const entry of extract) {
      const { name, type, size } = entry.header;
      if (type !== "file" || !allowedName(name)) throw refuse(`unexpected entry ${JSON.stringify(name)}`);
      if (seen.size >= MAX_ENTRIES) throw refuse(`it has more than ${MAX_ENTRIES} entries`);
      if (seen.has(name) || (name === MANIFEST_NAME && manifestText !== null)) throw refuse(`entry ${name} appears twice`);
      total += size ?? 0;
      if (total > maxBytes) throw refuse(`it unpacks to more than ${Math.floor(maxBytes / 1024 / 1024)} MB, the room there is`);
      if (name === MANIFEST_NAME) {
        if ((size ?? 0) > MAX_MANIFEST) throw refuse("its manifest is too large");
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        manifestText = Buffer.concat(chunks).toString("utf8");
        continue;
      }
      const hash = createHash("sha256");
      let bytes = 0;
      const hashed = async function* (src: AsyncIterable<Buffer>) {
        for await (const c of src) {
          hash.update(c);
          bytes += c.length;
          yield c;
        }
      };
      if (staging === null) for await (const _ of hashed(entry));
      else {
        const path = join(staging, name);
        mkdirSync(dirname(path), { recursive: true });
        await pipeline(entry, hashed, createWriteStream(path, { mode: 0o600 }));
      }
      seen.set(name, { bytes, sha256: hash.digest("hex") });
    }
  })();
  // A refusal inside the loop must also stop the reading side.
  consume.catch((e) => extract.destroy(e));
  try {
    await Promise.all([pipeline(createReadStream(file), createGunzip(), extract), consume]);
  } catch (e) {
    if ((e as Error).message?.startsWith("backup refused")) throw e;
    throw refuse(`it cannot be read (${(e as Error).message}); the file is damaged or not a konstruct backup`);
  }
  if (manifestText === null) throw refuse("it has no manifest (truncated?)");
  const manifest = parseManifest(manifestText);
  const listed = new Set(manifest.parts.map((p) => p.name));
  for (const p of manifest.parts) {
    const got = seen.get(p.name);
    if (!got) throw refuse(`part ${p.name} is missing`);
    if (got.bytes !== p.bytes || got.sha256 !== p.sha256) throw refuse(`part ${p.name} does not match its checksum (tampered or damaged)`);
  }
  for (const name of seen.keys()) if (!listed.has(name)) throw refuse(`part ${name} is not in the manifest`);
  return manifest;
}
