/** The conversation list: newest activity first, filtered by agent, channel, state and time. */
import { and, count, desc, eq, gte, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { agents, channels, conversations, messages } from "../../db/schema/index.ts";
import { type Page, pageWindow, toPage } from "./page.ts";

/** What a conversation row shows wherever it is listed or opened (list and transcript). */
export const CONVERSATION_HEAD = {
  id: conversations.id,
  agentName: agents.name,
  channelName: channels.name,
  channelKind: channels.kind,
  chatKey: conversations.chatKey,
  startedAt: conversations.startedAt,
  closedAt: conversations.closedAt,
};

export interface ConversationFilter {
  agentId?: string;
  channelId?: string;
  state?: "open" | "closed";
  /** ISO dates (YYYY-MM-DD, UTC): last activity on or after `from`, before the day after `to`. */
  from?: string;
  to?: string;
  page?: number;
}

export interface ConversationRow {
  id: string;
  agentName: string;
  channelName: string;
  channelKind: string;
  chatKey: string;
  startedAt: Date;
  lastMessageAt: Date;
  closedAt: Date | null;
  messageCount: number;
}

export async function listConversations(db: Database, tenantId: string, f: ConversationFilter): Promise<Page<ConversationRow>> {
  const { limit, offset } = pageWindow(f.page ?? 1);
  const where = and(
    f.agentId ? eq(conversations.agentId, f.agentId) : undefined,
    f.channelId ? eq(conversations.channelId, f.channelId) : undefined,
    f.state === "open" ? isNull(conversations.closedAt) : f.state === "closed" ? isNotNull(conversations.closedAt) : undefined,
    f.from ? gte(conversations.lastMessageAt, new Date(`${f.from}T00:00:00Z`)) : undefined,
    f.to ? lt(conversations.lastMessageAt, dayAfter(f.to)) : undefined,
  );
  const rows = await db.withTenant(tenantId, (tx) =>
    tx
      .select({
        ...CONVERSATION_HEAD,
        lastMessageAt: conversations.lastMessageAt,
        messageCount: sql<number>`(select count(*)::int from ${messages} m where m.tenant_id = ${conversations.tenantId} and m.conversation_id = ${conversations.id})`,
      })
      .from(conversations)
      .innerJoin(agents, and(eq(agents.tenantId, conversations.tenantId), eq(agents.id, conversations.agentId)))
      .innerJoin(channels, and(eq(channels.tenantId, conversations.tenantId), eq(channels.id, conversations.channelId)))
      .where(where)
      .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
      .limit(limit)
      .offset(offset),
  );
  return toPage(rows, f.page ?? 1);
}

export async function countConversations(db: Database, tenantId: string): Promise<number> {
  const [r] = await db.withTenant(tenantId, (tx) => tx.select({ n: count() }).from(conversations));
  return r?.n ?? 0;
}

export function dayAfter(isoDay: string): Date {
  const d = new Date(`${isoDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d;
}
