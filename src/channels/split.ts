/**
 * Splits a long answer into parts no longer than a channel's message limit.
 *
 * Invariants: every part has 1..max characters (`max` counted in UTF-16 units, as `String.length`
 * does); parts keep the original order and, joined, lose only the whitespace at the cut points.
 * Cuts prefer a paragraph break, then a line break, then a space, and only then cut inside a word
 * (never inside a surrogate pair). A fenced code block (``` or ~~~) is kept whole whenever it fits
 * in one part; a block longer than `max` is cut between its lines and every piece is re-fenced,
 * so each part still renders as code.
 */

interface Unit {
  /** What preceded this unit in the original text ("\n\n", "\n", " " or ""). */
  sep: string;
  text: string;
  fence?: { open: string; close: string };
}

export function splitText(text: string, max: number): string[] {
  if (!(max >= 1)) throw new RangeError("splitText: max must be at least 1");
  if (text.length <= max) return [text];
  return pack(blocks(text), max);
}

/** Paragraphs and fenced code blocks, each with the (newline) separator that preceded it. */
function blocks(text: string): Unit[] {
  const units: Unit[] = [];
  const lines = text.split("\n");
  let para: string[] = [];
  let blanks = 0;
  const sep = () => (units.length ? "\n".repeat(blanks + 1) : "");
  const flush = () => {
    if (para.length) units.push({ sep: sep(), text: para.join("\n") });
    if (para.length) blanks = 0;
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker) {
      flush();
      let j = i + 1;
      while (j < lines.length && !lines[j]!.trimStart().startsWith(marker)) j++;
      // An unclosed fence runs to the end of the text, as Markdown renders it.
      units.push({ sep: sep(), text: lines.slice(i, j + 1).join("\n"), fence: { open: line, close: marker } });
      blanks = 0;
      i = j;
    } else if (line.trim() === "") {
      flush();
      blanks++;
    } else {
      para.push(line);
    }
  }
  flush();
  return units;
}

/** Greedy packing: join units while they fit; a unit too large on its own is cut finer. */
function pack(units: Unit[], max: number): string[] {
  const parts: string[] = [];
  let current = "";
  const push = (piece: string) => {
    if (piece.trim() === "") return;
    if (current) parts.push(current);
    current = piece;
  };
  for (const unit of units) {
    if (current && current.length + unit.sep.length + unit.text.length <= max) {
      current += unit.sep + unit.text;
    } else if (unit.text.length <= max) {
      push(unit.text);
    } else {
      for (const piece of cut(unit, max)) push(piece);
    }
  }
  if (current.trim() !== "") parts.push(current);
  return parts.map((p) => p.replace(/\s+$/, "")).filter((p) => p.length > 0);
}

/** Cuts one oversized unit into pieces of at most `max`. */
function cut(unit: Unit, max: number): string[] {
  if (unit.fence) {
    const { open, close } = unit.fence;
    const budget = max - open.length - close.length - 2;
    const lines = unit.text.split("\n").slice(1);
    if (lines.at(-1)?.trim() === close) lines.pop();
    if (budget >= 1) {
      const inner = pack(split(lines, "\n", budget), budget);
      return inner.map((body) => `${open}\n${body}\n${close}`);
    }
  }
  if (unit.text.includes("\n")) return pack(split(unit.text.split("\n"), "\n", max), max);
  if (unit.text.includes(" ")) return pack(split(unit.text.split(" "), " ", max), max);
  return hardCut(unit.text, max);
}

function split(pieces: string[], sep: string, max: number): Unit[] {
  return pieces.map((text, i) => ({ sep: i ? sep : "", text })).flatMap((u) => (u.text.length <= max ? [u] : cut(u, max).map((text, i) => ({ sep: i ? "" : u.sep, text }))));
}

function hardCut(text: string, max: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + max);
    // Never leave half a surrogate pair at the end of a part.
    if (end < text.length && end - i > 1 && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}
