/**
 * Exactly once on Slack across a crash: every part of a reply is posted with message metadata
 * naming its outbox row and part (`event_type: konstruct_reply`). When a send is in doubt (the
 * process died after Slack may have accepted it), the conversation is searched for those parts
 * before anything is posted again: parts found are not repeated.
 *
 * Where to look: a threaded reply lives in its thread (conversations.replies), a top-level one in
 * the channel's newest history — an in-doubt reply is at most a lease old, so a few pages suffice.
 * Both calls need `include_all_metadata`, or Slack leaves the metadata out.
 */
import type { WebClient } from "@slack/web-api";
import { toSendError } from "./web.ts";

export const REPLY_EVENT = "konstruct_reply";
/** Pages of 200 searched for an in-doubt reply (a busy thread or channel since the crash). */
const MAX_PAGES = 5;

export function replyMetadata(outboxId: string, part: number) {
  return { event_type: REPLY_EVENT, event_payload: { outbox_id: outboxId, part } };
}

interface Tagged {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** The parts of outbox row `outboxId` already in the conversation: part index → message ts. */
export async function postedParts(client: WebClient, channel: string, threadTs: string | undefined, outboxId: string): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = { channel, limit: 200, include_all_metadata: true, ...(cursor ? { cursor } : {}) };
    let res: { messages?: Tagged[]; response_metadata?: { next_cursor?: string } };
    try {
      res = threadTs ? await client.conversations.replies({ ...params, ts: threadTs }) : await client.conversations.history(params);
    } catch (e) {
      throw toSendError(e, threadTs ? "conversations.replies" : "conversations.history");
    }
    for (const m of res.messages ?? []) {
      const payload = m.metadata?.event_type === REPLY_EVENT ? m.metadata.event_payload : undefined;
      if (payload?.outbox_id === outboxId && typeof payload.part === "number" && m.ts) found.set(payload.part, m.ts);
    }
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return found;
}
