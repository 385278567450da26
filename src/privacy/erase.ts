/**
 * "Erase this person": everything the tenant holds of one person (person.ts), deleted in one tenant
 * transaction, so it happens whole or not at all. Irreversible by design: there is no soft delete.
 * The audit entry that records it names who erased and how much, never whom (that would keep the
 * very identifier being erased). The files they sent go too: rows in the transaction, their blobs
 * right after it, each unless another row of the tenant names the same bytes.
 */
import { eq, inArray, or, sql } from "drizzle-orm";
import { audit } from "../agent/audit.ts";
import { forgetConversations } from "../agent/window-cache.ts";
import type { Database, Tx } from "../db/database.ts";
import { attachments } from "../db/schema/index.ts";
import { rowsOf, uuidArray } from "../db/set-sql.ts";
import { type AttachmentStore, dropRows } from "../media/attachments.ts";
import { personScope } from "./person.ts";

/** Text values as one `text[]` parameter (a JSON array, so commas and quotes in chat keys are safe). */
const textArray = (values: string[]) => sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

export type ErasureCounts = Record<string, number>;

async function gone(tx: Tx, query: ReturnType<typeof sql>): Promise<number> {
  return (await rowsOf<{ n: number }>(tx, sql`with d as (${query} returning 1) select count(*)::int as n from d`))[0]!.n;
}

/**
 * `files` deletes the blobs of the person's attachments after the commit (local files or S3 objects),
 * each only when nothing else of the tenant still names the same bytes (media/refs.ts: another
 * person's identical file, a knowledge-base document made from it). Without it the rows still go.
 */
export async function erasePerson(db: Database, tenantId: string, userKey: string, erasedBy: string, files?: Pick<AttachmentStore, "dropBlobs">): Promise<ErasureCounts> {
  const { counts, orphaned, touched } = await db.withTenant(tenantId, async (tx) => {
    const s = await personScope(tx, userKey);
    const convs = uuidArray(s.conversations);
    const events = uuidArray(s.events);
    const inConvs = sql`conversation_id = any(${convs})`;
    // Chats only they used: outbound audit entries name the chat, not the conversation.
    const chats = (
      await rowsOf<{ chat_key: string }>(
        tx,
        sql`select distinct c.chat_key from conversations c where c.id = any(${convs})
            and not exists (select 1 from conversations o where o.channel_id = c.channel_id and o.chat_key = c.chat_key and not (o.id = any(${convs})))`,
      )
    ).map((r) => r.chat_key);
    // Every conversation that loses a turn: its cached window (agent/window-cache.ts) goes after the commit.
    const touched = (await rowsOf<{ id: string }>(tx, sql`select distinct conversation_id as id from messages where ${inConvs} or inbound_event_id = any(${events})`)).map((r) => r.id);
    // Files they sent: by sender, and by their events (a row kept before user_key was recorded).
    const files = await dropRows(tx, tenantId, or(eq(attachments.userKey, userKey), inArray(attachments.inboundEventId, s.events.length ? s.events : [NO_ID])));
    const counts: ErasureCounts = {
      memories: await gone(tx, sql`delete from memories where user_key = ${userKey} or ${inConvs}`),
      reply_preferences: await gone(tx, sql`delete from reply_preferences where user_key = ${userKey}`),
      conversation_summaries: await gone(tx, sql`delete from conversation_memory where ${inConvs}`),
      llm_calls: await gone(tx, sql`delete from llm_calls where ${inConvs}`),
      approvals: await gone(tx, sql`delete from approvals where ${inConvs} or requested_by = ${userKey}`),
      handoffs: await gone(tx, sql`delete from handoffs where ${inConvs}`),
      tasks: await gone(tx, sql`delete from tasks where ${inConvs} or requested_by = ${userKey}`),
      schedules: await gone(tx, sql`delete from schedules where ${inConvs}`),
      messages: await gone(tx, sql`delete from messages where ${inConvs} or inbound_event_id = any(${events})`),
      conversations: await gone(tx, sql`delete from conversations where id = any(${convs})`),
      // Their outbox rows go with them (foreign key, on delete cascade).
      inbound_events: await gone(tx, sql`delete from inbound_events where id = any(${events})`),
    };
    counts.attachments = files.gone;
    counts.audit_entries = (await rowsOf<{ n: number }>(tx, sql`select konstruct_erase_audit(${userKey}, ${convs}, ${textArray(chats)}) as n`))[0]!.n;
    await audit(tx, { tenantId, kind: "privacy.erase", actor: erasedBy, summary: "erased one person's data", data: { counts } });
    return { counts, orphaned: files.orphaned, touched };
  });
  forgetConversations(touched);
  // After the commit: a crash here leaves unnamed blobs (no row names them), never rows without bytes.
  await files?.dropBlobs(tenantId, orphaned);
  return counts;
}

/** inArray with an empty list is refused by drizzle; this id names nothing. */
const NO_ID = "00000000-0000-0000-0000-000000000000";
