/**
 * One conversation as a transcript: its messages, and between them every LLM attempt and tool call
 * (and budget stops, refusals, errors) in the order they happened, each with its detail to expand.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { agents, attachments, auditLog, channels, conversations, llmCalls, messages, outboundMessages } from "../../db/schema/index.ts";
import { CONVERSATION_HEAD } from "./conversations.ts";

export type TranscriptItem =
  /** answerId: for an assistant message, the first outbound message of its turn (what feedback rates). */
  /** files: what the user sent with the message (media/attachments.ts), to show and download. */
  | { type: "message"; at: Date; role: string; content: string; answerId?: string; files?: TranscriptFile[] }
  | { type: "llm_call"; at: Date; provider: string; model: string; ok: boolean; error: string | null; promptTokens: number; completionTokens: number; latencyMs: number; costUsd: number }
  | { type: "event"; at: Date; kind: string; summary: string; data: unknown };

export interface TranscriptFile {
  id: string;
  name: string;
  mime: string;
  sizeBytes: number;
}

export interface Transcript {
  id: string;
  agentName: string;
  channelName: string;
  channelKind: string;
  chatKey: string;
  startedAt: Date;
  closedAt: Date | null;
  items: TranscriptItem[];
}

const EVENT_KINDS = ["tool_call", "budget_stop", "refusal", "error", "command", "handoff", "team.delegate"];

export async function loadTranscript(db: Database, tenantId: string, conversationId: string): Promise<Transcript | null> {
  return db.withTenant(tenantId, async (tx) => {
    const [head] = await tx
      .select(CONVERSATION_HEAD)
      .from(conversations)
      .innerJoin(agents, and(eq(agents.tenantId, conversations.tenantId), eq(agents.id, conversations.agentId)))
      .innerJoin(channels, and(eq(channels.tenantId, conversations.tenantId), eq(channels.id, conversations.channelId)))
      .where(eq(conversations.id, conversationId));
    if (!head) return null;
    const msgs = await tx.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.createdAt), asc(messages.id));
    const turns = msgs.flatMap((m) => (m.role === "assistant" && m.inboundEventId ? [m.inboundEventId] : []));
    const sent = turns.length
      ? await tx
          .select({ id: outboundMessages.id, inboundEventId: outboundMessages.inboundEventId })
          .from(outboundMessages)
          .where(inArray(outboundMessages.inboundEventId, turns))
          .orderBy(asc(outboundMessages.seq))
      : [];
    const answerOf = new Map<string, string>();
    for (const o of sent) if (!answerOf.has(o.inboundEventId)) answerOf.set(o.inboundEventId, o.id);
    const asked = [...new Set(msgs.flatMap((m) => (m.role === "user" && m.inboundEventId ? [m.inboundEventId] : [])))];
    const files = asked.length ? await tx.select({ id: attachments.id, name: attachments.name, mime: attachments.mime, sizeBytes: attachments.sizeBytes, eventId: attachments.inboundEventId }).from(attachments).where(inArray(attachments.inboundEventId, asked)).orderBy(asc(attachments.createdAt)) : [];
    const filesOf = new Map<string, TranscriptFile[]>();
    for (const { eventId, ...f } of files) filesOf.set(eventId!, [...(filesOf.get(eventId!) ?? []), f]);
    const calls = await tx.select().from(llmCalls).where(eq(llmCalls.conversationId, conversationId)).orderBy(asc(llmCalls.createdAt));
    const events = await tx
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.conversationId, conversationId), inArray(auditLog.kind, EVENT_KINDS)))
      .orderBy(asc(auditLog.at));
    const items: TranscriptItem[] = [
      ...msgs.map((m) => ({
        type: "message" as const,
        at: m.createdAt,
        role: m.role,
        content: m.content,
        ...(m.role === "assistant" && m.inboundEventId && answerOf.has(m.inboundEventId) ? { answerId: answerOf.get(m.inboundEventId)! } : {}),
        ...(m.role === "user" && m.inboundEventId && filesOf.has(m.inboundEventId) ? { files: filesOf.get(m.inboundEventId)! } : {}),
      })),
      ...calls.map((c) => ({
        type: "llm_call" as const,
        at: c.createdAt,
        provider: c.provider,
        model: c.model,
        ok: c.ok,
        error: c.error,
        promptTokens: c.promptTokens,
        completionTokens: c.completionTokens,
        latencyMs: c.latencyMs,
        costUsd: Number(c.costUsd),
      })),
      ...events.map((e) => ({ type: "event" as const, at: e.at, kind: e.kind, summary: e.summary, data: e.data })),
    ];
    // Stable: a user message and the calls it caused may share a timestamp; messages go first.
    const rank = { message: 0, llm_call: 1, event: 2 };
    items.sort((a, b) => a.at.getTime() - b.at.getTime() || rank[a.type] - rank[b.type]);
    return { ...head, items };
  });
}
