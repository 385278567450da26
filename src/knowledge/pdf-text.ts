/**
 * PDF → Markdown with headings, for PDFs without tagged structure (most exports). A heading is a line
 * that names an entry of the document's outline (bookmarks; its depth is the level) or, without an
 * outline, a short line set larger than the body text (the most used size): the larger sizes rank as
 * levels 1, 2, 3…; consecutive heading lines of one level, a line apart, are one wrapped title. Without headings a PDF's citations would have no section. Lines are rebuilt from
 * pdfjs text items (a new line at an end-of-line mark or a baseline change); a vertical gap wider than
 * a line's makes a paragraph break. Each page's text counts against `maxChars` as it is read.
 */
type PDFDocumentProxy = Awaited<ReturnType<typeof import("unpdf").getDocumentProxy>>;

interface Line {
  text: string;
  size: number;
  y: number;
}

type Outline = Awaited<ReturnType<PDFDocumentProxy["getOutline"]>>;

const MAX_HEADING_WORDS = 15;

export async function pdfToMarkdown(pdf: PDFDocumentProxy, tooLong: (chars: number) => void): Promise<string> {
  const pages: Line[][] = [];
  let chars = 0;
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const lines = linesOf((await page.getTextContent()).items as Item[]);
    page.cleanup();
    for (const l of lines) chars += l.text.length + 1;
    tooLong(chars);
    pages.push(lines);
  }
  const outline = outlineLevels(await pdf.getOutline().catch(() => null));
  const levelOf = outline.size ? (l: Line) => outline.get(key(l.text)) : sizeLevels(pages.flat());
  const out: string[] = [];
  for (const lines of pages) {
    let prev: Line | null = null;
    let heading: { level: number; y: number; at: number } | null = null;
    for (const l of lines) {
      const level = levelOf(l);
      // A title set over two lines (same level, the next line right below) is one heading.
      if (level && heading?.level === level && heading.y - l.y <= l.size * 1.4) (out[heading.at] += ` ${l.text}`), (heading.y = l.y);
      else if (level) (out.push("", `${"#".repeat(level)} ${l.text}`, "")), (heading = { level, y: l.y, at: out.length - 2 });
      else {
        // A gap wider than 1.5 lines (or a new page) starts a paragraph.
        if (!prev || prev.y - l.y > Math.max(prev.size, l.size) * 1.5) out.push("");
        out.push(l.text.replace(/^(#{1,6}\s)/, "\\$1"));
      }
      prev = level ? null : l;
      if (!level) heading = null;
    }
  }
  return out.join("\n");
}

type Item = { str?: string; transform?: number[]; height?: number; hasEOL?: boolean };

function linesOf(items: Item[]): Line[] {
  const lines: Line[] = [];
  let cur: Line | null = null;
  let eol = true;
  for (const it of items) {
    if (it.str === undefined || !it.transform) continue; // marked-content markers
    const y = it.transform[5]!;
    if (cur && (eol || Math.abs(y - cur.y) > 1)) (lines.push(cur), (cur = null));
    eol = !!it.hasEOL;
    if (!it.str.trim()) continue;
    const size = Math.round((it.height || Math.hypot(it.transform[2]!, it.transform[3]!)) * 2) / 2;
    if (!cur) cur = { text: it.str.trim(), size, y };
    else (cur.text = `${cur.text} ${it.str.trim()}`), (cur.size = Math.max(cur.size, size));
  }
  if (cur) lines.push(cur);
  return lines.map((l) => ({ ...l, text: l.text.replace(/\s+/g, " ") }));
}

const key = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();

function outlineLevels(outline: Outline | null): Map<string, number> {
  const levels = new Map<string, number>();
  const walk = (nodes: Outline, depth: number) => {
    for (const n of nodes) {
      if (!levels.has(key(n.title))) levels.set(key(n.title), Math.min(depth, 6));
      walk(n.items ?? [], depth + 1);
    }
  };
  walk(outline ?? [], 1);
  return levels;
}

function sizeLevels(lines: Line[]): (l: Line) => number | undefined {
  const bySize = new Map<number, number>();
  for (const l of lines) bySize.set(l.size, (bySize.get(l.size) ?? 0) + l.text.length);
  const body = [...bySize].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const isHeading = (l: Line) => l.size > body * 1.1 && l.text.split(" ").length <= MAX_HEADING_WORDS;
  const sizes = [...new Set(lines.filter(isHeading).map((l) => l.size))].sort((a, b) => b - a);
  return (l) => (isHeading(l) ? Math.min(sizes.indexOf(l.size) + 1, 6) : undefined);
}
