/**
 * Reads a downloaded attachment's body into memory, never holding more than `maxBytes`: a declared
 * Content-Length above the limit is refused before a byte is read, and a body that keeps streaming
 * past it is cancelled at the first chunk over (`bounded-read.ts`). Errors are `too_large`
 * KonstructErrors, so a caller can tell "too big" (a reply to the user) from "channel failed".
 */
import { boundedBody } from "../bounded-read.ts";
import { KonstructError } from "../errors.ts";

export function tooLarge(maxBytes: number): KonstructError {
  return new KonstructError("too_large", `attachment is larger than the ${Math.floor(maxBytes / 1024)} KB allowed`);
}

export async function readBounded(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = boundedBody(response.body, maxBytes, () => tooLarge(maxBytes)).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
