/**
 * Markdown (as the agent writes it) → Slack mrkdwn.
 *
 * Invariants: `&`, `<` and `>` that the agent wrote are always escaped (Slack reads them as control
 * sequences otherwise, e.g. `<!channel>` would ping everyone) — inside code too, where Slack also
 * decodes entities; the only unescaped angle brackets in the output are the links we build and a
 * quote's leading `>`. Code (fenced and inline) is never reformatted. Slack has no headings or list
 * syntax: headings become bold lines and bullets become "•", since a leading `* ` would read as bold.
 */

const FENCE = /^\s*(```|~~~)/;
// Private-use characters stand in for pieces that later passes must not touch.
const BOLD = "\uE000";
const SLOT = "\uE001";

export function toMrkdwn(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const marker = FENCE.exec(lines[i]!)?.[1];
    if (!marker) {
      out.push(line(lines[i]!));
      continue;
    }
    // Slack shows a language tag as text, so the fence is emitted bare.
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trimStart().startsWith(marker)) body.push(escape(lines[j++]!));
    out.push(["```", ...body, "```"].join("\n"));
    i = j;
  }
  return out.join("\n");
}

function line(text: string): string {
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
  if (heading) {
    const content = heading[1]!.replace(/\*\*|__/g, "");
    return content ? `*${inline(content)}*` : "";
  }
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(text)) return "───";
  const quote = /^(\s*)>\s?(.*)$/.exec(text);
  if (quote) return `${quote[1]}> ${line(quote[2]!)}`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(text);
  if (bullet) return `${bullet[1]}• ${inline(bullet[2]!)}`;
  return inline(text);
}

/** Inline formatting of one line; backtick spans pass through with only escaping. */
function inline(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, i) => (i % 2 ? escape(part) : emphasis(part)))
    .join("");
}

function emphasis(text: string): string {
  const slots: string[] = [];
  const keep = (s: string) => `${SLOT}${slots.push(s) - 1}${SLOT}`;
  let s = text
    // Links first: their URLs must not be escaped or emphasised, their labels are formatted.
    .replace(/!?\[([^\]\n]*)\]\(\s*<?([^()\s<>]+(?:\([^()\s]*\))?[^()\s<>]*)>?(?:\s+"[^"]*")?\s*\)/g, (_m, label: string, url: string) =>
      keep(label.trim() && label.trim() !== url ? `<${linkUrl(url)}|${emphasis(label.trim())}>` : `<${linkUrl(url)}>`),
    )
    .replace(/<((?:https?|mailto):[^\s<>]+)>/g, (_m, url: string) => keep(`<${linkUrl(url)}>`));
  s = escape(s)
    .replace(/\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*/g, `${BOLD}_$1_${BOLD}`)
    .replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, `${BOLD}$1${BOLD}`)
    .replace(/(^|[^\w])__(?=\S)([^_\n]*?\S)__(?!\w)/g, `$1${BOLD}$2${BOLD}`)
    .replace(/(^|[^*\w])\*([^\s*](?:[^*\n]*?[^\s*])?)\*(?![*\w])/g, "$1_$2_")
    .replace(/~~(?=\S)([^~\n]*?\S)~~/g, "~$1~")
    .replaceAll(BOLD, "*");
  return s.replace(new RegExp(`${SLOT}(\\d+)${SLOT}`, "g"), (_m, n: string) => slots[Number(n)]!);
}

function linkUrl(url: string): string {
  return url.replace(/&(?!amp;)/g, "&amp;").replace(/\|/g, "%7C").replace(/>/g, "%3E").replace(/</g, "%3C");
}

export function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
