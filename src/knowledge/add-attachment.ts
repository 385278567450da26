/**
 * The `kb_add_attachment` tool: a document someone sent in this conversation (PDF, Word, Markdown,
 * HTML, text), taken from the tenant's attachment store — the bytes as received, never the model's
 * retelling — and uploaded to the knowledge base through the same extraction, limits and embedding
 * as a console upload. It is not a core ability: the registry runs it only under a skill that lists
 * it (docs/skills.md), whose manifest sets the approval, so the tenant decides whether chat documents
 * may reach its knowledge base at all. Only files of the calling conversation can be named.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Tools } from "../agent/tools.ts";
import type { Database } from "../db/database.ts";
import { attachments, messages } from "../db/schema/index.ts";
import type { ToolCall, ToolSpec } from "../llm/types.ts";
import type { AttachmentStore } from "../media/attachments.ts";
import type { Knowledge } from "./knowledge.ts";

export const KB_ADD_ATTACHMENT = "kb_add_attachment";

const SPEC: ToolSpec = {
  name: KB_ADD_ATTACHMENT,
  description:
    "Add a document the user sent in this conversation (PDF, Word, Markdown, HTML or text file) to the company's knowledge base, so that kb_search finds it from then on. Name the file as it appears in the conversation ([attached document \"name\" …]).",
  parameters: {
    type: "object",
    properties: { file: { type: "string", maxLength: 255, description: "The file's name as sent, e.g. travel-policy.pdf" } },
    required: ["file"],
  },
};

/** The knowledge base picks the converter by extension first: give binary formats the extension of what the bytes are. */
const EXTENSION: Record<string, string> = { "application/pdf": "pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx" };

export function kbFileName(name: string, mime: string): string {
  const ext = EXTENSION[mime];
  if (ext) return `${name.replace(/\.[A-Za-z0-9]{1,8}$/, "")}.${ext}`;
  // Sniffed as text: Markdown and HTML keep their extension, anything else is read as plain text.
  return /\.(md|markdown|html?|txt|text)$/i.test(name) ? name : `${name}.txt`;
}

export function describeKbAdd(call: ToolCall): string {
  return `Add "${String(call.arguments.file ?? "").slice(0, 255)}", sent in this conversation, to the workspace's knowledge base`;
}

export function kbAddAttachmentTool(deps: { db: Database; attachments: () => AttachmentStore | null; knowledge: () => Knowledge | null }): Tools {
  return {
    specs: () => [SPEC],
    async run(call, ctx) {
      if (call.name !== SPEC.name) return `error: no tool named ${call.name} is available`;
      const wanted = typeof call.arguments.file === "string" ? call.arguments.file.trim() : "";
      const store = deps.attachments();
      const knowledge = deps.knowledge();
      if (!store || !knowledge) return "error: the knowledge base is not available right now; try again later";
      // The conversation's own documents only (RLS keeps the tenant; the join keeps the conversation).
      const sent = await deps.db.withTenant(ctx.tenantId, (tx) =>
        tx.select().from(attachments).where(and(eq(attachments.tenantId, ctx.tenantId), eq(attachments.kind, "document"), inArray(attachments.inboundEventId, tx.select({ id: sql<string>`${messages.inboundEventId}` }).from(messages).where(eq(messages.conversationId, ctx.conversationId))))).orderBy(desc(attachments.createdAt)).limit(50),
      );
      const row = sent.find((a) => a.name === wanted) ?? sent.find((a) => a.name.toLowerCase() === wanted.toLowerCase());
      if (!row) return sent.length ? `error: no document named "${wanted}" was sent in this conversation; the documents are: ${sent.map((a) => `"${a.name}"`).join(", ")}` : "error: no document was sent in this conversation";
      const opened = await store.open(ctx.tenantId, row.id);
      if (!opened) return `error: "${row.name}" is no longer stored (deleted by retention or erasure); ask the user to send it again`;
      try {
        const { document, duplicate } = await knowledge.upload(ctx.tenantId, { filename: kbFileName(row.name, row.mime), mime: row.mime, bytes: opened.bytes });
        if (document.status === "failed") return `The knowledge base refused "${row.name}": ${document.error}`;
        if (duplicate) return `"${row.name}" is already in the knowledge base as "${document.title}".`;
        return `Added "${row.name}" to the knowledge base as "${document.title}" (${document.chunksTotal} passages); kb_search finds it once it is indexed, usually within a minute.`;
      } catch (e) {
        return `error: the knowledge base refused "${row.name}": ${(e as Error).message}`;
      }
    },
  };
}
