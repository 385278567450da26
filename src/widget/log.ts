/**
 * What a visitor sees: their own chat on one widget, read back from the inbox (what they sent) and
 * the outbox (every reply as recorded: answers, refusals, handoff notes, a person's replies). Each
 * line carries its row id, so the widget shows each reply exactly once however often it polls.
 * Replies are Markdown rendered to escaped HTML (links only to http(s) and mailto), as the console does.
 */
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { markdownHtml } from "../channels/browser-html.ts";
import type { Database } from "../db/database.ts";
import { inboundEvents, outboundMessages } from "../db/schema/index.ts";

/** Lines returned per poll: the latest ones. */
export const LOG_LINES = 50;

export interface WidgetLine {
  id: string;
  from: "visitor" | "agent";
  at: string;
  /** Visitor lines: plain text (the widget sets it as text). Agent lines: sanitised HTML. */
  text?: string;
  html?: string;
  /** Visitor lines: the names of the files sent with the message. */
  files?: string[];
}

export async function visitorLog(db: Database, tenantId: string, channelId: string, chatKey: string): Promise<{ lines: WidgetLine[]; pending: boolean }> {
  return db.withTenant(tenantId, async (tx) => {
    const said = await tx
      .select({ id: inboundEvents.id, at: inboundEvents.receivedAt, text: sql<string>`${inboundEvents.message}->>'text'`, files: sql<string[] | null>`(select jsonb_agg(f->>'name') from jsonb_array_elements(${inboundEvents.message}->'attachments') f)`, status: inboundEvents.status })
      .from(inboundEvents)
      .where(and(eq(inboundEvents.channelId, channelId), sql`${inboundEvents.message}->>'chatKey' = ${chatKey}`))
      .orderBy(desc(inboundEvents.receivedAt))
      .limit(LOG_LINES);
    const answered = await tx
      .select({ id: outboundMessages.id, at: outboundMessages.createdAt, seq: outboundMessages.seq, text: outboundMessages.text })
      .from(outboundMessages)
      .where(and(eq(outboundMessages.channelId, channelId), eq(outboundMessages.chatKey, chatKey)))
      .orderBy(desc(outboundMessages.createdAt), asc(outboundMessages.seq))
      .limit(LOG_LINES);
    const lines = [
      ...said.map((s) => ({ id: s.id, from: "visitor" as const, at: s.at, text: s.text ?? "", files: s.files ?? [] })),
      ...answered.map((a) => ({ id: a.id, from: "agent" as const, at: a.at, seq: a.seq, html: markdownHtml(a.text) })),
    ];
    lines.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.from === "visitor" ? -1 : b.from === "visitor" ? 1 : (("seq" in a ? a.seq : 0) - ("seq" in b ? b.seq : 0))));
    const pending = said.some((s) => s.status === "pending" || s.status === "processing");
    return {
      lines: lines.slice(-LOG_LINES).map((l) => ({ id: l.id, from: l.from, at: l.at.toISOString(), ...("html" in l ? { html: l.html } : { text: l.text, ...(l.files.length ? { files: l.files } : {}) }) })),
      pending,
    };
  });
}
