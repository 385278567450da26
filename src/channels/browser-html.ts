/**
 * An agent's Markdown as HTML for a browser page (console web chat, transcripts, the website
 * widget), through the same converter the Telegram channel uses (every text escaped, every tag
 * balanced). A browser page needs one thing more than Telegram: links only to http(s) and mailto,
 * so a reply cannot carry a javascript: URL.
 */
import { markdownToHtml } from "./telegram/html.ts";

export function markdownHtml(markdown: string): string {
  return markdownToHtml(markdown).replace(/<a href="([^"]*)">/g, (_tag, href: string) =>
    /^(https?:\/\/|mailto:)/i.test(href) ? `<a href="${href}" rel="noopener noreferrer nofollow">` : "<a>",
  );
}
