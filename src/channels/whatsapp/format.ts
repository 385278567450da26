/**
 * Markdown (as the agent writes it) → WhatsApp's formatting: *bold*, _italic_, ~strike~, ```mono```,
 * `inline`. Code spans and fences are left verbatim (WhatsApp renders them as monospace); links
 * become "text (url)" because WhatsApp has no link markup. Headings turn into bold lines.
 */
export function markdownToWhatsApp(md: string): string {
  const out: string[] = [];
  const parts = md.split(/(```[\s\S]*?(?:```|$)|`[^`\n]+`)/);
  for (const [i, part] of parts.entries()) out.push(i % 2 === 1 ? part : inline(part));
  return out.join("");
}

function inline(text: string): string {
  return text
    .replace(/^#{1,6}\s+(.+)$/gm, (_, h: string) => `\u0000B${h.replace(/\*+/g, "")}\u0000B`)
    .replace(/\[([^\]]+)\]\((\S+?)\)/g, (_, t: string, u: string) => (t === u ? u : `${t} (${u})`))
    .replace(/~~(.+?)~~/g, "\u0000S$1\u0000S")
    .replace(/(\*\*|__)(.+?)\1/g, "\u0000B$2\u0000B")
    .replace(/(^|[^*\w])\*(?!\s)([^*\n]+?)\*(?!\w)/g, "$1_$2_")
    .replace(/^(\s*)[-*+]\s+/gm, "$1• ")
    .replace(/\u0000B/g, "*")
    .replace(/\u0000S/g, "~");
}
