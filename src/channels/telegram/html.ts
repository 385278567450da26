/**
 * The agent's Markdown → Telegram's HTML subset (parse_mode "HTML"). Pure.
 *
 * Invariants: every tag emitted is closed in the same call (a construct without its closing
 * delimiter stays literal text), so each split part converts to balanced HTML on its own — callers
 * split the Markdown first and convert each part. Text is escaped (& < >, plus " in attributes)
 * wherever it came from, so nothing the model writes can inject markup. The visible text is never
 * longer than the Markdown it came from, so a part within the length limit stays within it.
 * HTML rather than MarkdownV2 because MarkdownV2 demands escaping of 18 characters everywhere and
 * rejects the whole message on one miss.
 */

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// Same fence rule as split.ts (``` or ~~~, closed by a line starting with the same marker).
const FENCE = /^\s*(```|~~~)\s*([\w+#.-]*)/;

export function markdownToHtml(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) {
      out.push(block(lines[i]!));
      continue;
    }
    // A fence left open (a block longer than one message, cut by the splitter) runs to the end.
    const body: string[] = [];
    while (++i < lines.length && !lines[i]!.trimStart().startsWith(open[1]!)) body.push(lines[i]!);
    const code = escapeHtml(body.join("\n"));
    out.push(open[2] ? `<pre><code class="language-${escapeAttr(open[2])}">${code}</code></pre>` : `<pre>${code}</pre>`);
  }
  return out.join("\n");
}

function block(line: string): string {
  const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) return `<b>${inline(heading[1]!)}</b>`;
  // "* item" would otherwise open an italic span; a bullet reads the same in every client.
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1]}• ${inline(bullet[2]!)}`;
  return inline(line);
}

type Rule = [RegExp, (m: RegExpExecArray) => string];
const RULES: Rule[] = [
  [/\\([\\`*_{}[\]()#+\-.!~|>])/y, (m) => escapeHtml(m[1]!)],
  [/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/y, (m) => `<code>${escapeHtml(m[2]!.trim() || m[2]!)}</code>`],
  [/\[([^\]\n]+)\]\(\s*<?([^)\s>]+)>?\s*\)/y, (m) => `<a href="${escapeAttr(m[2]!)}">${inline(m[1]!)}</a>`],
  [/\*\*(?=\S)([\s\S]*?\S)\*\*/y, (m) => `<b>${inline(m[1]!)}</b>`],
  [/__(?=\S)([\s\S]*?\S)__(?!\w)/y, (m) => `<b>${inline(m[1]!)}</b>`],
  [/~~(?=\S)([\s\S]*?\S)~~/y, (m) => `<s>${inline(m[1]!)}</s>`],
  [/\*(?=[^\s*])([^*]*?[^\s*])\*/y, (m) => `<i>${inline(m[1]!)}</i>`],
  [/_(?=[^\s_])([^_]*?[^\s_])_(?!\w)/y, (m) => `<i>${inline(m[1]!)}</i>`],
];

/** Inline spans; scans left to right so the first complete construct wins and spans never cross. */
function inline(s: string): string {
  let out = "";
  let i = 0;
  scan: while (i < s.length) {
    for (const [re, render] of RULES) {
      // snake_case_names must not turn italic: "_" opens only at a word boundary.
      if (s[i] === "_" && i > 0 && /\w/.test(s[i - 1]!)) break;
      re.lastIndex = i;
      const m = re.exec(s);
      if (m) {
        // Read the end first: render() recurses into inline(), which reuses these sticky regexes.
        const end = re.lastIndex;
        out += render(m);
        i = end;
        continue scan;
      }
    }
    out += escapeHtml(s[i]!);
    i++;
  }
  return out;
}

function escapeAttr(s: string): string {
  return escapeHtml(s).replace(/"/g, "&quot;");
}
