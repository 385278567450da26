/**
 * Outbound: one agent answer → one or more chat.postMessage calls in the right conversation.
 *
 * Invariants: the chatKey is `<channel>` or `<channel>:<thread ts>` and `replyTo`, when given, is
 * the thread to answer under; markdown is converted to mrkdwn before splitting, so the 4000-char
 * limit is measured on what Slack receives; parts are posted strictly in order and the first
 * part's ts is the message's externalId. Parts already posted are remembered until the whole
 * answer is out, so the outbox's retry after a partial failure resumes instead of repeating the
 * first parts (in memory: the outbox retries within this process).
 */
import type { WebClient } from "@slack/web-api";
import { SendError } from "../../gateway/outbox.ts";
import { splitText } from "../split.ts";
import type { Button, OutboundText } from "../types.ts";
import { toMrkdwn } from "./mrkdwn.ts";
import type { ThreadMemory } from "./threads.ts";
import { toSendError } from "./web.ts";

export function createSender(web: () => WebClient | undefined, threads: ThreadMemory, maxLength: number) {
  const progress = new Map<string, string[]>();

  return async function send(message: OutboundText): Promise<{ externalId: string }> {
    const client = web();
    if (!client) throw new SendError("slack connection not started", true);
    const { channel, threadTs } = target(message);
    const parts = splitText(toMrkdwn(message.text), maxLength).filter((p) => p.trim() !== "");
    if (!parts.length) throw new SendError("slack chat.postMessage: empty message", false);

    const key = `${channel}\u0000${threadTs ?? ""}\u0000${message.text}`;
    const sent = progress.get(key) ?? [];
    progress.set(key, sent);
    if (progress.size > 100) progress.delete(progress.keys().next().value!);
    for (const [i, text] of parts.entries()) {
      if (i < sent.length) continue;
      const blocks = i === parts.length - 1 && message.buttons?.length ? buttonBlocks(text, message.buttons) : undefined;
      try {
        const res = await client.chat.postMessage({ channel, text, ...(threadTs ? { thread_ts: threadTs } : {}), ...(blocks ? { blocks } : {}) });
        sent.push(res.ts ?? "");
      } catch (e) {
        throw toSendError(e, "chat.postMessage");
      }
    }
    progress.delete(key);
    if (threadTs) threads.remember(channel, threadTs);
    return { externalId: sent[0]! };
  };
}

/** The text as a section with the buttons below it (Block Kit). */
function buttonBlocks(text: string, buttons: Button[]) {
  return [
    { type: "section", text: { type: "mrkdwn", text: text.slice(0, 3000) } },
    {
      type: "actions",
      elements: buttons.map((b) => ({ type: "button", text: { type: "plain_text", text: b.label }, action_id: b.id, value: b.id, ...(b.style ? { style: b.style } : {}) })),
    },
  ];
}

export function target(message: Pick<OutboundText, "chatKey" | "replyTo">): { channel: string; threadTs?: string } {
  const cut = message.chatKey.indexOf(":");
  const channel = cut < 0 ? message.chatKey : message.chatKey.slice(0, cut);
  const threadTs = message.replyTo ?? (cut < 0 ? undefined : message.chatKey.slice(cut + 1));
  return threadTs ? { channel, threadTs } : { channel };
}
