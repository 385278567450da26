/**
 * Outbound: one agent answer → one or more chat.postMessage calls in the right conversation.
 *
 * Invariants: the chatKey is `<channel>` or `<channel>:<thread ts>` and `replyTo`, when given, is
 * the thread to answer under; markdown is converted to mrkdwn before splitting, so the 4000-char
 * limit is measured on what Slack receives; parts are posted strictly in order and the first
 * part's ts is the message's externalId, and every part's ts is returned too (`partIds`, so a
 * reaction on a later part finds the answer). Parts already posted are remembered until the whole
 * answer is out, so the outbox's retry after a partial failure resumes instead of repeating the
 * first parts (in memory: the outbox retries within this process). Each part carries its outbox
 * row in message metadata; a send in doubt after a crash first asks Slack which parts it already
 * has (posted.ts), so neither a whole reply nor a part of one is posted twice. A voice reply is
 * uploaded as a file before the first part (only then), and skipped, logged, when that fails.
 */
import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import { SendError } from "../port.ts";
import { splitText } from "../split.ts";
import type { Button, Delivery, OutboundText } from "../types.ts";
import { LINK_ACTION } from "./interactive.ts";
import { toMrkdwn } from "./mrkdwn.ts";
import { postedParts, replyMetadata } from "./posted.ts";
import type { ThreadMemory } from "./threads.ts";
import { toSendError } from "./web.ts";

export function createSender(web: () => WebClient | undefined, threads: ThreadMemory, maxLength: number, log?: Logger) {
  const progress = new Map<string, string[]>();
  const connected = () => {
    const client = web();
    if (!client) throw new SendError("slack connection not started", true);
    return client;
  };
  const partsOf = (message: OutboundText) => splitText(toMrkdwn(message.text), maxLength).filter((p) => p.trim() !== "");

  async function send(message: OutboundText, delivery?: Delivery): Promise<{ externalId: string; partIds?: string[] }> {
    const client = connected();
    const { channel, threadTs } = target(message);
    const parts = partsOf(message);
    if (!parts.length) throw new SendError("slack chat.postMessage: empty message", false);

    const key = `${channel}\u0000${threadTs ?? ""}\u0000${message.text}`;
    const sent = progress.get(key) ?? [];
    progress.set(key, sent);
    if (progress.size > 100) progress.delete(progress.keys().next().value!);
    const already = delivery?.inDoubt ? await postedParts(client, channel, threadTs, delivery.outboxId) : new Map<number, string>();
    // The voice goes first, once: not again on a retry that resumes the parts, nor after a crash.
    if (message.voice && !sent.length && !delivery?.inDoubt) await uploadVoice(client, channel, threadTs, message.voice, log);
    for (const [i, text] of parts.entries()) {
      if (i < sent.length) continue;
      const found = already.get(i);
      if (found) {
        sent.push(found);
        continue;
      }
      const blocks = i === parts.length - 1 && message.buttons?.length ? buttonBlocks(text, message.buttons) : undefined;
      const metadata = delivery ? { metadata: replyMetadata(delivery.outboxId, i) } : {};
      try {
        const res = await client.chat.postMessage({ channel, text, ...(threadTs ? { thread_ts: threadTs } : {}), ...(blocks ? { blocks } : {}), ...metadata });
        sent.push(res.ts ?? "");
      } catch (e) {
        throw toSendError(e, "chat.postMessage");
      }
    }
    progress.delete(key);
    if (threadTs) threads.remember(channel, threadTs);
    return sent.length > 1 ? { externalId: sent[0]!, partIds: [...sent] } : { externalId: sent[0]! };
  }

  /** The first part's ts when every part of an in-doubt reply is already in the conversation. */
  async function findSent(message: OutboundText, delivery: Delivery): Promise<string | null> {
    const { channel, threadTs } = target(message);
    const found = await postedParts(connected(), channel, threadTs, delivery.outboxId);
    const parts = partsOf(message).length;
    return parts > 0 && found.size >= parts ? (found.get(0) ?? null) : null;
  }

  return { send, findSent };
}

/**
 * The voice reply as a file in the conversation (files.uploadV2: getUploadURLExternal, the upload,
 * completeUploadExternal); the text is posted after it as usual. Any failure is logged and skipped.
 */
async function uploadVoice(client: WebClient, channel: string, threadTs: string | undefined, voice: NonNullable<OutboundText["voice"]>, log?: Logger): Promise<void> {
  try {
    const file = { file: Buffer.from(voice.bytes), filename: "reply.ogg", title: "Voice reply" };
    await client.filesUploadV2(threadTs ? { ...file, channel_id: channel, thread_ts: threadTs } : { ...file, channel_id: channel });
  } catch (e) {
    log?.warn({ error: toSendError(e, "files.uploadV2").message }, "slack: voice reply not uploaded; the text goes out alone");
  }
}

/** The text as a section with the buttons below it (Block Kit). */
function buttonBlocks(text: string, buttons: Button[]) {
  return [
    { type: "section", text: { type: "mrkdwn", text: text.slice(0, 3000) } },
    {
      type: "actions",
      elements: buttons.map((b) =>
        b.url
          ? { type: "button", text: { type: "plain_text", text: b.label }, action_id: `${LINK_ACTION}${b.id}`, url: b.url }
          : { type: "button", text: { type: "plain_text", text: b.label }, action_id: b.id, value: b.id, ...(b.style ? { style: b.style } : {}) }),
    },
  ];
}

export function target(message: Pick<OutboundText, "chatKey" | "replyTo">): { channel: string; threadTs?: string } {
  const cut = message.chatKey.indexOf(":");
  const channel = cut < 0 ? message.chatKey : message.chatKey.slice(0, cut);
  const threadTs = message.replyTo ?? (cut < 0 ? undefined : message.chatKey.slice(cut + 1));
  return threadTs ? { channel, threadTs } : { channel };
}
