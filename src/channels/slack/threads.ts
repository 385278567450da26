/**
 * Which threads the bot takes part in, so a reply in such a thread is answered without a mention.
 *
 * Memory is a bounded, most-recently-used set per connection (never module-level): threads we were
 * mentioned in or posted to. It is lost on restart and holds only the newest `capacity` threads, so
 * on a miss we ask Slack (`conversations.replies`) whether the bot user posted there, and remember
 * the answer only when it is yes. A transient failure of that call throws — the caller answers 500
 * and Slack redelivers — rather than silently dropping a message meant for the agent.
 */
import type { WebClient } from "@slack/web-api";
import type { SlackIdentity } from "./normalize.ts";
import { isTransient } from "./web.ts";

export class ThreadMemory {
  private readonly keys = new Map<string, true>();

  constructor(private readonly capacity = 2000) {}

  remember(channel: string, threadTs: string): void {
    const key = `${channel}:${threadTs}`;
    this.keys.delete(key);
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.keys().next().value!);
  }

  has(channel: string, threadTs: string): boolean {
    const key = `${channel}:${threadTs}`;
    if (!this.keys.has(key)) return false;
    this.remember(channel, threadTs);
    return true;
  }

  get size(): number {
    return this.keys.size;
  }
}

/** True if the bot is part of the thread: remembered, or it posted there according to Slack. */
export async function inThread(memory: ThreadMemory, web: WebClient, me: SlackIdentity, channel: string, threadTs: string): Promise<boolean> {
  if (memory.has(channel, threadTs)) return true;
  try {
    const res = await web.conversations.replies({ channel, ts: threadTs, limit: 200 });
    const posted = (res.messages ?? []).some((m) => m.user === me.userId || (me.botId !== undefined && m.bot_id === me.botId));
    if (posted) memory.remember(channel, threadTs);
    return posted;
  } catch (e) {
    if (isTransient(e)) throw e;
    // not_in_channel, thread_not_found, channel_not_found…: the bot cannot be part of it.
    return false;
  }
}
