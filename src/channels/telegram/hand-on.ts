/**
 * Hands on one getUpdates batch: the chats' updates at once, each chat's in order. Handed on one by
 * one, a batch of eight chats' messages cost eight group commits in a row — each waiting for the
 * tenant's flush then running (a turn's) — before the next poll even went out: at eight busy chats
 * that, not the turns, was most of a Telegram reply's latency (Slack's events arrive as concurrent
 * requests and always shared their commits).
 *
 * Invariant (poll.ts): the offset only ever moves past an update once it and every update before it
 * in the batch are handed on. A failed update stops its own chat's later ones (order within a chat);
 * other chats' updates after it may be durable already, and come back on the next poll, where the
 * inbox knows them by update_id.
 */
import type { Update } from "grammy/types";

/** The chat an update belongs to; updates without one (none are asked for today) go one at a time. */
function chatOf(update: Update): string {
  const chat = update.message?.chat.id ?? update.callback_query?.message?.chat.id;
  return chat === undefined ? `update:${update.update_id}` : String(chat);
}

/**
 * Returns how many updates, from the batch's start, were handed on (the offset may move past them),
 * and the first failure after them, if any.
 */
export async function handOnBatch(updates: Update[], handle: (update: Update) => Promise<void>, signal: AbortSignal): Promise<{ done: number; error?: unknown }> {
  const outcome: ("ok" | "failed" | "skipped")[] = updates.map(() => "skipped");
  const errors = new Map<number, unknown>();
  const chats = new Map<string, number[]>();
  updates.forEach((u, i) => {
    const chat = chatOf(u);
    const indexes = chats.get(chat);
    if (indexes) indexes.push(i);
    else chats.set(chat, [i]);
  });
  await Promise.all(
    [...chats.values()].map(async (indexes) => {
      for (const i of indexes) {
        if (signal.aborted) return;
        try {
          await handle(updates[i]!);
          outcome[i] = "ok";
        } catch (e) {
          outcome[i] = "failed";
          errors.set(i, e);
          return;
        }
      }
    }),
  );
  const done = outcome.findIndex((o) => o !== "ok");
  if (done === -1) return { done: updates.length };
  return { done, ...(outcome[done] === "failed" ? { error: errors.get(done) } : {}) };
}
