/**
 * The text of a document with its formatting dropped, so the same content compares equal whatever
 * format it came in (Markdown, HTML, DOCX, PDF): heading marks, list markers (-, *, +, •, 1. and 1) at a
 * line's start), table pipes and separator rows go; all whitespace (line wraps included) becomes one
 * space; Unicode is NFKC. Upload identity (the content hash) is taken from this text.
 */
export function normalizedText(markdown: string): string {
  return markdown
    .normalize("NFKC")
    .split("\n")
    .filter((line) => !/^\s*\|?[\s:|-]*-[\s:|-]*\|?\s*$/.test(line) || !line.includes("|"))
    .map((line) =>
      line
        .replace(/^\s*#{1,6}\s+/, "")
        .replace(/^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+/, "")
        .replace(/\|/g, " "),
    )
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}
