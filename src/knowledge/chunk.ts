/**
 * Markdown → chunks: split at headings (each chunk knows its heading path, which answers cite), and
 * sections longer than `maxWords` into windows that overlap by `overlapWords`, cut at sentence ends
 * where possible. Small encoders read only the first ~128 tokens of an input (USE-lite), so the
 * default window is ~80 words.
 */
export interface Chunk {
  seq: number;
  section: string;
  content: string;
}

export function chunkMarkdown(md: string, opts: { maxWords?: number; overlapWords?: number } = {}): Chunk[] {
  const maxWords = opts.maxWords ?? 80;
  const overlap = opts.overlapWords ?? 15;
  const out: Chunk[] = [];
  const path: string[] = [];
  let body: string[] = [];
  const flush = () => {
    const text = body.join("\n").trim();
    body = [];
    if (!text) return;
    const section = path.filter(Boolean).join(" > ");
    for (const piece of windows(text, maxWords, overlap)) out.push({ seq: out.length, section, content: piece });
  };
  for (const line of md.split("\n")) {
    const h = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      const level = h[1]!.length;
      path.length = level - 1;
      path[level - 1] = h[2]!.replace(/[*_`]/g, "");
    } else body.push(line);
  }
  flush();
  return out;
}

function windows(text: string, maxWords: number, overlap: number): string[] {
  const sentences = text.split(/(?<=[.!?])\s+|\n{2,}/).map((s) => s.trim()).filter(Boolean);
  const out: string[] = [];
  let cur: string[] = [];
  let words = 0;
  for (const s of sentences) {
    const n = s.split(/\s+/).length;
    if (words + n > maxWords && cur.length) {
      out.push(cur.join(" "));
      // Carry the tail of this window into the next, up to `overlap` words.
      const carry: string[] = [];
      let c = 0;
      for (let i = cur.length - 1; i >= 0 && c + cur[i]!.split(/\s+/).length <= overlap; i--) {
        carry.unshift(cur[i]!);
        c += cur[i]!.split(/\s+/).length;
      }
      cur = carry;
      words = c;
    }
    if (n > maxWords) {
      // One very long "sentence" (tables, lists without punctuation): hard word windows.
      const w = s.split(/\s+/);
      for (let i = 0; i < w.length; i += maxWords - overlap) out.push(w.slice(i, i + maxWords).join(" "));
      cur = [];
      words = 0;
      continue;
    }
    cur.push(s);
    words += n;
  }
  if (cur.length) out.push(cur.join(" "));
  return out;
}
