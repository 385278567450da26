/**
 * One person's data as a JSON document (GDPR-style access request): what each AI employee
 * remembers about them, and their conversations — whole where only they took part, their own
 * messages (and the replies to them) where shared, and the files they sent (name, type, size). Bounded: the newest MAX_MESSAGES messages.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { rowsOf, uuidArray } from "../db/set-sql.ts";
import { personScope } from "./person.ts";

const MAX_MESSAGES = 20_000;

export async function exportPerson(db: Database, tenantId: string, userKey: string) {
  return db.withTenant(tenantId, async (tx) => {
    const s = await personScope(tx, userKey);
    const memories = await rowsOf<Record<string, unknown>>(
      tx,
      sql`select a.slug as agent, m.kind, m.content, m.created_at from memories m join agents a on a.tenant_id = m.tenant_id and a.id = m.agent_id
          where m.user_key = ${userKey} order by m.created_at`,
    );
    const messages = await rowsOf<{ conversation_id: string; role: string; content: string; created_at: string }>(
      tx,
      sql`select conversation_id, role, content, created_at from messages
          where conversation_id = any(${uuidArray(s.conversations)}) or inbound_event_id = any(${uuidArray(s.events)})
          order by created_at desc limit ${MAX_MESSAGES}`,
    );
    const convs = await rowsOf<{ id: string; agent: string; channel: string; started_at: string }>(
      tx,
      sql`select c.id, a.slug as agent, ch.kind as channel, c.started_at from conversations c
          join agents a on a.tenant_id = c.tenant_id and a.id = c.agent_id join channels ch on ch.tenant_id = c.tenant_id and ch.id = c.channel_id
          where c.id = any(${uuidArray([...s.conversations, ...s.shared])}) order by c.started_at`,
    );
    // The files they sent, described (the bytes are downloaded one by one from the transcript).
    const files = await rowsOf<Record<string, unknown>>(
      tx,
      sql`select id, name, mime, size_bytes, created_at from attachments
          where user_key = ${userKey} or inbound_event_id = any(${uuidArray(s.events)}) order by created_at limit ${MAX_MESSAGES}`,
    );
    const shared = new Set(s.shared);
    return {
      person: userKey,
      exported_at: new Date().toISOString(),
      memories,
      files,
      conversations: convs.map((c) => ({
        ...c,
        shared: shared.has(c.id),
        messages: messages.filter((m) => m.conversation_id === c.id).reverse().map(({ role, content, created_at }) => ({ role, content, created_at })),
      })),
    };
  });
}
