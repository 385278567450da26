/**
 * How long a voice note is, read from its bytes before it is sent for transcription: Whisper
 * endpoints bill per second of audio, so the budget check before the call (and the usage row, when
 * the endpoint reports no usage of its own) needs a length. Ogg (what Telegram and WhatsApp record)
 * carries it exactly: the last page's granule position is the sample count, at 48 kHz for Opus and at
 * the identification header's rate for Vorbis. Anything else is estimated at 128 kbit/s (16,000 bytes
 * a second), which is right for common MP3/M4A notes and over-counts low-bitrate ones.
 */
const BYTES_PER_SECOND_ESTIMATE = 16_000;

export function audioSeconds(bytes: Uint8Array): number {
  return Math.max(1, Math.ceil(oggSeconds(bytes) ?? bytes.byteLength / BYTES_PER_SECOND_ESTIMATE));
}

function oggSeconds(bytes: Uint8Array): number | null {
  if (bytes.byteLength < 28 || !isOggS(bytes, 0)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The first page's packet says the codec (and Vorbis's sample rate).
  const first = 27 + bytes[26]!;
  const rate = ascii(bytes, first, 8) === "OpusHead" ? 48_000 : ascii(bytes, first + 1, 6) === "vorbis" && first + 16 <= bytes.byteLength ? view.getUint32(first + 12, true) : 0;
  if (!rate) return null;
  // The last page is the one that knows how many samples the stream has: search back for "OggS".
  for (let at = bytes.byteLength - 27; at >= 0; at--) {
    if (!isOggS(bytes, at)) continue;
    const granule = Number(view.getBigUint64(at + 6, true));
    // -1 (all ones) means "no packet ends on this page": look further back.
    if (granule > 0 && granule < Number.MAX_SAFE_INTEGER) return granule / rate;
  }
  return null;
}

const isOggS = (b: Uint8Array, at: number) => b[at] === 0x4f && b[at + 1] === 0x67 && b[at + 2] === 0x67 && b[at + 3] === 0x53;
const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));
