/**
 * A DOCX is a zip: before any converter opens one, its central directory is read (entry count and
 * declared sizes, cheap) and then every entry is inflated once by native zlib with
 * `maxOutputLength` = what is left of the budget, the output discarded. Declared sizes can lie, so
 * that running cap on what inflation actually produces is what bounds memory: a 1.5 MB file that
 * would inflate to gigabytes stops after `maxBytes`, in native code, within milliseconds. (The
 * discarded output is garbage of up to ~2× `maxBytes` for a moment: this runs in the extraction
 * child, whose memory the server bounds.)
 */
import { constants } from "node:buffer";
import type * as Zlib from "node:zlib";
import { KonstructError } from "../errors.ts";

// node:zlib costs ~7 MB of resident memory once loaded; only a document being checked needs it (this
// module is reached from knowledge.ts at start for its limits).
const zlib = () => require("node:zlib") as typeof Zlib;

export interface ZipLimits {
  maxEntries: number;
  /** Total uncompressed bytes, declared and actual. */
  maxBytes: number;
  /** Uncompressed ÷ compressed for the whole file, checked once the total passes 1 MB. */
  maxRatio: number;
}

interface Entry {
  method: number;
  compressed: number;
  declared: number;
  offset: number;
}

export function checkZip(bytes: Uint8Array, filename: string, limits: ZipLimits): void {
  const refuse = (why: string): never => {
    throw new KonstructError("unprocessable", `'${filename}' was refused: ${why}`);
  };
  const entries = centralDirectory(bytes, filename, limits.maxEntries, refuse);
  const declared = entries.reduce((n, e) => n + e.declared, 0);
  if (declared > limits.maxBytes) refuse(`it would unpack to ${mb(declared)} (at most ${mb(limits.maxBytes)})`);
  const budget = Math.min(limits.maxBytes, Math.max(1024 * 1024, bytes.byteLength * limits.maxRatio));
  let total = 0;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const e of entries) {
    if (e.offset + 30 > view.length) refuse("a damaged entry");
    const start = e.offset + 30 + view.readUInt16LE(e.offset + 26) + view.readUInt16LE(e.offset + 28);
    const data = view.subarray(start, start + e.compressed);
    if (e.method === 0) total += data.length;
    else if (e.method === 8) {
      try {
        total += zlib().inflateRawSync(data, { maxOutputLength: Math.min(constants.MAX_LENGTH, Math.max(1, budget - total)) }).length;
      } catch (err) {
        if (err instanceof RangeError) total = budget + 1;
        else refuse(`a damaged entry (${(err as Error).message})`);
      }
    } else refuse(`an entry compressed with unsupported method ${e.method}`);
    if (total > budget)
      refuse(budget < limits.maxBytes ? `it unpacks more than ${limits.maxRatio} times its size` : `it unpacks to more than ${mb(limits.maxBytes)}`);
  }
}

/** The entries of the central directory (ZIP32; a DOCX never needs ZIP64). */
function centralDirectory(bytes: Uint8Array, filename: string, maxEntries: number, refuse: (why: string) => never): Entry[] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = view.length - 22; i >= Math.max(0, view.length - 22 - 65535); i--)
    if (view.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  if (end < 0) throw new KonstructError("bad_request", `could not read '${filename}' as docx: not a zip archive`);
  const count = view.readUInt16LE(end + 10);
  if (count > maxEntries) refuse(`it has ${count} entries (at most ${maxEntries})`);
  const entries: Entry[] = [];
  let p = view.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    if (p + 46 > view.length || view.readUInt32LE(p) !== 0x02014b50) refuse("a damaged central directory");
    entries.push({ method: view.readUInt16LE(p + 10), compressed: view.readUInt32LE(p + 20), declared: view.readUInt32LE(p + 24), offset: view.readUInt32LE(p + 42) });
    p += 46 + view.readUInt16LE(p + 28) + view.readUInt16LE(p + 30) + view.readUInt16LE(p + 32);
  }
  return entries;
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
