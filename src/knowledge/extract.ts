/**
 * Upload → clean text (Markdown, so headings survive for chunking and citations). Each format goes
 * through a well-kept converter: HTML by node-html-markdown, DOCX by mammoth (→ HTML → Markdown,
 * keeping its headings), PDF by unpdf/pdfjs with headings inferred (pdf-text.ts). Libraries load on first use.
 *
 * Every input is bounded before a converter sees it (ExtractLimits): a DOCX's zip by zip-guard.ts,
 * a PDF's page count, and the text of every format. This runs in a child process (extract-child.ts)
 * whose memory and time the server bounds as well, for what these checks cannot foresee.
 */
import { KonstructError } from "../errors.ts";
import { pdfToMarkdown } from "./pdf-text.ts";
import { checkZip } from "./zip-guard.ts";

export type DocFormat = "markdown" | "text" | "html" | "pdf" | "docx";

export interface Extracted {
  title: string;
  text: string;
  format: DocFormat;
}

const BY_EXTENSION: Record<string, DocFormat> = { md: "markdown", markdown: "markdown", txt: "text", text: "text", html: "html", htm: "html", pdf: "pdf", docx: "docx" };
const BY_MIME: Record<string, DocFormat> = {
  "text/markdown": "markdown",
  "text/plain": "text",
  "text/html": "html",
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
};

export interface ExtractLimits {
  maxTextChars: number;
  maxZipEntries: number;
  maxUnzippedBytes: number;
  maxZipRatio: number;
  maxPdfPages: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxTextChars: 2_000_000,
  maxZipEntries: 2000,
  maxUnzippedBytes: 64 * 1024 * 1024,
  maxZipRatio: 100,
  maxPdfPages: 2000,
};

export function formatOf(filename: string, mime: string): DocFormat {
  const byExt = BY_EXTENSION[filename.split(".").pop()?.toLowerCase() ?? ""];
  const format = byExt ?? BY_MIME[mime.split(";")[0]!.trim().toLowerCase()];
  if (!format) throw new KonstructError("bad_request", `unsupported document type '${filename}' (${mime || "no type"}): use Markdown, text, HTML, PDF or DOCX`);
  return format;
}

export async function extractDocument(bytes: Uint8Array, filename: string, mime = "", limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): Promise<Extracted> {
  const format = formatOf(filename, mime);
  const tooLong = (n: number) => {
    if (n > limits.maxTextChars) throw new KonstructError("unprocessable", `'${filename}' was refused: its text is longer than ${limits.maxTextChars} characters`);
  };
  let text: string;
  let title: string | null = null;
  try {
    // Plain text decodes to at most one character per byte: refuse before decoding.
    if (format === "markdown" || format === "text") text = (tooLong(bytes.byteLength), new TextDecoder().decode(bytes));
    else if (format === "html") {
      const html = new TextDecoder().decode(bytes);
      title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim() || null;
      text = await htmlToMarkdown(html.replace(/<head[\s\S]*?<\/head>/i, ""));
    } else if (format === "docx") {
      checkZip(bytes, filename, { maxEntries: limits.maxZipEntries, maxBytes: limits.maxUnzippedBytes, maxRatio: limits.maxZipRatio });
      const mammoth = await import("mammoth");
      const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
      text = await htmlToMarkdown(value);
    } else {
      const { getDocumentProxy, getMeta } = await import("unpdf");
      const pdf = await getDocumentProxy(new Uint8Array(bytes));
      if (pdf.numPages > limits.maxPdfPages) throw new KonstructError("unprocessable", `'${filename}' was refused: it has ${pdf.numPages} pages (at most ${limits.maxPdfPages})`);
      const meta = await getMeta(pdf).catch(() => null);
      title = (meta?.info as { Title?: string } | undefined)?.Title?.trim() || null;
      text = await pdfToMarkdown(pdf, tooLong);
    }
  } catch (e) {
    if (e instanceof KonstructError) throw e;
    throw new KonstructError("bad_request", `could not read '${filename}' as ${format}: ${(e as Error).message}`);
  }
  tooLong(text.length);
  const clean = cleanText(text);
  if (!clean) throw new KonstructError("bad_request", `'${filename}' contains no text`);
  return { title: title ?? firstHeading(clean) ?? filename.replace(/\.[^.]+$/, ""), text: clean, format };
}

/**
 * node-html-markdown escapes every Markdown character anywhere (`level 3\\.`, `\\*`, `dispatch\\_team`), so
 * the DOCX or HTML copy of a Markdown document read differently and the backslashes reached quoted
 * passages. The text is for chunking and quoting, not for re-rendering: only a line that would turn into a
 * heading (and so a false section) is escaped.
 */
const ESCAPES = { globalEscape: [/(?!)/g, ""] as [RegExp, string], lineStartEscape: [/^(\s*)(#{1,6}\s)/gm, "$1\\$2"] as [RegExp, string] };

async function htmlToMarkdown(html: string): Promise<string> {
  const { NodeHtmlMarkdown } = await import("node-html-markdown");
  return NodeHtmlMarkdown.translate(html, { ignore: ["script", "style", "nav", "noscript"], ...ESCAPES });
}

/** Normalised newlines and whitespace, no control characters, at most one blank line in a row. */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .replace(/[ \t\u00a0]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function firstHeading(md: string): string | null {
  return /^#{1,6}\s+(.+)$/m.exec(md)?.[1]?.trim() ?? null;
}
