/**
 * /api/v1/tenants/:tenantId/conversations: newest first, keyset-paginated (`next` → `cursor`),
 * filterable by agent and channel; one conversation with its messages and LLM calls.
 */
import { and, asc, desc, eq, lt, or, type SQL } from "drizzle-orm";
import { conversations, llmCalls, messages } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import type { Handler } from "../lazy.ts";
import { idParam } from "../request.ts";
import { decodeCursor, encodeCursor, limitParam, page, tenantScope } from "./common.ts";

const conversationJson = (c: typeof conversations.$inferSelect) => ({
  id: c.id,
  agent_id: c.agentId,
  channel_id: c.channelId,
  chat_key: c.chatKey,
  started_at: c.startedAt,
  last_message_at: c.lastMessageAt,
  closed_at: c.closedAt,
});

/** A transcript is long but bounded: the newest messages of one conversation. */
const MAX_MESSAGES = 1000;

export const listConversations: Handler = async (deps, { principal, params, query }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "conversations", params.tenantId);
  const limit = limitParam(query.limit);
  const cursor = decodeCursor(query.cursor);
  const where: (SQL | undefined)[] = [
    query.agent_id ? eq(conversations.agentId, idParam(query.agent_id, "agent")) : undefined,
    query.channel_id ? eq(conversations.channelId, idParam(query.channel_id, "channel")) : undefined,
    cursor
      ? or(lt(conversations.lastMessageAt, cursor.at), and(eq(conversations.lastMessageAt, cursor.at), lt(conversations.id, cursor.id)))
      : undefined,
  ];
  const rows = await db.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(conversations)
      .where(and(...where))
      .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
      .limit(limit + 1),
  );
  const p = page(rows, limit, (c) => encodeCursor(c.lastMessageAt, c.id));
  return { items: p.items.map(conversationJson), next: p.next };
};

export const getConversation: Handler = async (deps, { principal, params }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "conversations", params.tenantId);
  const id = idParam(params.id, "conversation");
  return db.withTenant(tenantId, async (tx) => {
    const [c] = await tx.select().from(conversations).where(eq(conversations.id, id));
    if (!c) throw new KonstructError("not_found", "no such conversation");
    const msgs = await tx
      .select({ id: messages.id, role: messages.role, content: messages.content, created_at: messages.createdAt })
      .from(messages)
      .where(eq(messages.conversationId, id))
      .orderBy(desc(messages.createdAt))
      .limit(MAX_MESSAGES);
    const calls = await tx
      .select({
        id: llmCalls.id,
        provider: llmCalls.provider,
        model: llmCalls.model,
        ok: llmCalls.ok,
        error: llmCalls.error,
        prompt_tokens: llmCalls.promptTokens,
        completion_tokens: llmCalls.completionTokens,
        latency_ms: llmCalls.latencyMs,
        cost_usd: llmCalls.costUsd,
        created_at: llmCalls.createdAt,
      })
      .from(llmCalls)
      .where(eq(llmCalls.conversationId, id))
      .orderBy(asc(llmCalls.createdAt));
    return { ...conversationJson(c), messages: msgs.reverse(), llm_calls: calls.map((k) => ({ ...k, cost_usd: Number(k.cost_usd) })) };
  });
};
