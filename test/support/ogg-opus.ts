/**
 * A real Ogg Opus voice note (what Telegram and WhatsApp record) for tests, built byte by byte since
 * no encoder is installed: an OpusHead page (BOS), an OpusTags page, and one page of 20 ms CELT
 * silence frames (TOC 0xF8, mono) ending the stream (EOS), each page with its Ogg CRC-32. Players
 * and ffprobe accept it as `seconds` of silence; file-type sniffs it as audio/ogg (Opus).
 */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function crc(bytes: Uint8Array): number {
  let c = 0;
  for (const b of bytes) c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ b) & 0xff]!) >>> 0;
  return c;
}

function page(packets: Uint8Array[], o: { flags: number; granule: number; seq: number; serial: number }): Uint8Array {
  const lacing = packets.flatMap((p) => [...Array(Math.floor(p.length / 255)).fill(255), p.length % 255]);
  const body = packets.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(27 + lacing.length + body);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode("OggS"), 0);
  v.setUint8(5, o.flags);
  v.setBigUint64(6, BigInt(o.granule), true);
  v.setUint32(14, o.serial, true);
  v.setUint32(18, o.seq, true);
  v.setUint8(26, lacing.length);
  out.set(lacing, 27);
  let at = 27 + lacing.length;
  for (const p of packets) out.set(p, (at += p.length) - p.length);
  v.setUint32(22, crc(out), true);
  return out;
}

export function oggOpusSilence(seconds = 1): Uint8Array {
  const ascii = (s: string) => new TextEncoder().encode(s);
  const head = new Uint8Array(19);
  head.set(ascii("OpusHead"));
  const hv = new DataView(head.buffer);
  hv.setUint8(8, 1); // version
  hv.setUint8(9, 1); // mono
  hv.setUint16(10, 312, true); // pre-skip
  hv.setUint32(12, 48_000, true);
  const vendor = ascii("konstruct-test");
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  tags.set(ascii("OpusTags"));
  new DataView(tags.buffer).setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  const frames = Array.from({ length: Math.max(1, Math.round(seconds * 50)) }, () => Uint8Array.of(0xf8, 0xff, 0xfe));
  const serial = 0x4b4f4e53;
  const pages = [
    page([head], { flags: 0x02, granule: 0, seq: 0, serial }),
    page([tags], { flags: 0, granule: 0, seq: 1, serial }),
    page(frames, { flags: 0x04, granule: frames.length * 960, seq: 2, serial }),
  ];
  const out = new Uint8Array(pages.reduce((n, p) => n + p.length, 0));
  pages.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}
