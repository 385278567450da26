/**
 * A real decompression bomb for tests: a DOCX (the onboarding fixture's parts) whose
 * word/document.xml inflates to `inflatedMb` MB of text from ~1 KB per MB of file. Built without
 * ever holding the inflated text: after a sync flush, deflating another megabyte of the same
 * character yields the same bytes, so one steady block is repeated. `declaredBytes` lets the
 * headers lie about the size (the guard must count what inflation actually produces). CRCs are
 * left 0: neither JSZip (mammoth) nor fflate checks them by default.
 */
import { unzipSync } from "fflate";
import zlib from "node:zlib";

const MB = 1 << 20;

async function steadyDeflate(prefix: Uint8Array, megabytes: number, suffix: Uint8Array): Promise<Uint8Array> {
  const d = zlib.createDeflateRaw({ level: 9 });
  const outs: Buffer[] = [];
  d.on("data", (b: Buffer) => outs.push(b));
  const flush = (kind: number) =>
    new Promise<Buffer>((r) =>
      d.flush(kind, () => {
        const b = Buffer.concat(outs);
        outs.length = 0;
        r(b);
      }),
    );
  const block = Buffer.alloc(MB, 65);
  d.write(prefix);
  d.write(block);
  const head = await flush(zlib.constants.Z_SYNC_FLUSH);
  d.write(block);
  const steady = await flush(zlib.constants.Z_SYNC_FLUSH);
  d.write(suffix);
  const tail = await flush(zlib.constants.Z_FINISH);
  const parts = [head, ...Array.from({ length: megabytes - 2 }, () => steady), steady, tail];
  return Buffer.concat(parts);
}

export async function docxBomb(base: Uint8Array, opts: { inflatedMb: number; declaredBytes?: number }): Promise<Uint8Array> {
  const parts = unzipSync(base);
  const prefix = new TextEncoder().encode('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>');
  const suffix = new TextEncoder().encode("</w:t></w:r></w:p></w:body></w:document>");
  const entries: { name: string; data: Uint8Array; size: number }[] = [];
  for (const [name, data] of Object.entries(parts)) {
    if (name === "word/document.xml") {
      const size = prefix.length + opts.inflatedMb * MB + suffix.length;
      entries.push({ name, data: await steadyDeflate(prefix, opts.inflatedMb, suffix), size: opts.declaredBytes ?? size });
    } else entries.push({ name, data: zlib.deflateRawSync(data), size: data.length });
  }
  return zipOf(entries);
}

/** A minimal zip writer (deflate, 32-bit sizes): local headers, data, central directory, end record. */
function zipOf(entries: { name: string; data: Uint8Array; size: number }[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(e.data.length, 20);
    dir.writeUInt32LE(e.size >>> 0, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    chunks.push(local, name, e.data);
    central.push(dir, name);
    offset += 30 + name.length + e.data.length;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}
