/**
 * The web chat's storage side: each agent gets one "webchat" channel row on its first message
 * (started in the gateway like any connection) — never on a GET, which only reads — and the chat a user sees is read back from that connection's
 * inbox and outbox — what the user sent, and every reply as recorded (answers, refusals, commands).
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { channels, inboundEvents, outboundMessages } from "../../db/schema/index.ts";
import { agentChannel } from "../../gateway/agent-channel.ts";
import type { Connections } from "../../gateway/connections.ts";
import type { SecretBox } from "../../secrets/box.ts";

export interface ChatLine {
  at: Date;
  from: "user" | "agent";
  text: string;
  /** For replies: pending until the pipeline has answered, failed if it could not. */
  status: string;
  /** For replies: the outbound message (what feedback rates). */
  id?: string;
  /** For the user's messages: the names of the files sent with it. */
  files?: string[];
}

/** The agent's web chat connection if one exists; a read only (GET /admin/chat has no side effect). */
export async function findWebchatChannel(db: Database, tenantId: string, agentId: string): Promise<string | null> {
  return db.withTenant(tenantId, async (tx) => {
    const [have] = await tx.select({ id: channels.id }).from(channels).where(and(eq(channels.agentId, agentId), eq(channels.kind, "webchat")));
    return have?.id ?? null;
  });
}

/** The agent's web chat connection, created and started on first use (by a POST). */
export function webchatChannel(db: Database, box: SecretBox, connections: Connections | null, tenantId: string, agentId: string): Promise<string> {
  return agentChannel(db, box, connections, tenantId, agentId, "webchat");
}

/** The last `limit` lines of one user's chat on a web chat connection, oldest first. */
export async function chatLog(db: Database, tenantId: string, channelId: string, chatKey: string, limit = 100): Promise<ChatLine[]> {
  return db.withTenant(tenantId, async (tx) => {
    const said = await tx
      .select({ at: inboundEvents.receivedAt, text: sql<string>`${inboundEvents.message}->>'text'`, status: inboundEvents.status, files: sql<string[] | null>`(select jsonb_agg(f->>'name') from jsonb_array_elements(${inboundEvents.message}->'attachments') f)` })
      .from(inboundEvents)
      .where(and(eq(inboundEvents.channelId, channelId), sql`${inboundEvents.message}->>'chatKey' = ${chatKey}`))
      .orderBy(asc(inboundEvents.receivedAt));
    const answered = await tx
      .select({ id: outboundMessages.id, at: outboundMessages.createdAt, text: outboundMessages.text, status: outboundMessages.status })
      .from(outboundMessages)
      .where(and(eq(outboundMessages.channelId, channelId), eq(outboundMessages.chatKey, chatKey)))
      .orderBy(asc(outboundMessages.createdAt), asc(outboundMessages.seq));
    const lines: ChatLine[] = [...said.map(({ files, ...s }) => ({ ...s, from: "user" as const, ...(files?.length ? { files } : {}) })), ...answered.map((a) => ({ ...a, from: "agent" as const }))];
    lines.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.from === "user" ? -1 : 1));
    return lines.slice(-limit);
  });
}
