/**
 * Telegram update → InboundMessage, or null when the bot should not answer. Pure: the bot's identity
 * and the group policy come in as arguments, so polling and webhooks decide identically.
 *
 * Invariants: eventKey is the update_id (the inbox dedupes on it, so a redelivered update is
 * harmless); only new messages from humans are handed on — edits, channel posts, other bots and
 * service messages are not conversation turns. In groups the bot speaks only when addressed (policy
 * "mention"), to everything ("all") or never ("off").
 */
import { recognise } from "../commands.ts";
import type { Message, Update } from "grammy/types";
import type { Attachment, InboundMessage } from "../types.ts";

export interface BotIdentity {
  id: number;
  username: string;
}
export type GroupPolicy = "mention" | "all" | "off";

const COMMAND = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?=\s|$)/;

export function groupPolicy(value: string | undefined): GroupPolicy {
  return value === "all" || value === "off" ? value : "mention";
}

export function normalizeUpdate(update: Update, bot: BotIdentity, policy: GroupPolicy): InboundMessage | null {
  if (update.callback_query) return normalizeCallback(update);
  const m = update.message;
  if (!m || !m.from || m.from.is_bot) return null;
  const group = m.chat.type === "group" || m.chat.type === "supergroup";
  if (!group && m.chat.type !== "private") return null;
  if (group && policy === "off") return null;

  let text = m.text ?? m.caption ?? "";
  const attachments = attachmentsOf(m);
  if (!text.trim() && attachments.length === 0) return null;

  const cmd = COMMAND.exec(text);
  const addressee = cmd?.[2];
  // `/new@OtherBot` is for another bot in the same group; answering it would hijack the command.
  if (addressee && addressee.toLowerCase() !== bot.username.toLowerCase()) return null;
  const found = cmd ? recognise(cmd[1]!, text.slice(cmd[0].length)) : undefined;
  const command = found?.command;

  const mention = new RegExp(`(^|[^\\w@])@${escapeRegExp(bot.username)}(?!\\w)`, "gi");
  if (group) {
    const addressed =
      mention.test(text) ||
      m.reply_to_message?.from?.id === bot.id ||
      // A bare known command in a group is meant for bots; Telegram delivers it even in privacy mode.
      addressee !== undefined ||
      command !== undefined;
    if (policy === "mention" && !addressed) return null;
    mention.lastIndex = 0;
    text = text.replace(mention, "$1").replace(/[ \t]{2,}/g, " ").trim();
  }
  if (addressee) text = text.replace(`@${addressee}`, "");

  return {
    eventKey: String(update.update_id),
    chatKey: chatKeyOf(m),
    replyTo: String(m.message_id),
    ...(m.reply_to_message ? { inReplyTo: String(m.reply_to_message.message_id) } : {}),
    sender: { id: String(m.from.id), name: [m.from.first_name, m.from.last_name].filter(Boolean).join(" ") || m.from.username },
    text,
    command,
    ...(found?.args ? { commandArgs: found.args } : {}),
    attachments,
    receivedAt: new Date(m.date * 1000).toISOString(),
    raw: update,
  };
}

/** A press on one of our inline buttons: the chat it was in, who pressed, which button. */
function normalizeCallback(update: Update): InboundMessage | null {
  const q = update.callback_query!;
  const m = q.message;
  if (!m || !q.data || q.from.is_bot) return null;
  return {
    eventKey: String(update.update_id),
    chatKey: chatKeyOf(m as Message),
    sender: { id: String(q.from.id), name: [q.from.first_name, q.from.last_name].filter(Boolean).join(" ") || q.from.username },
    text: "",
    attachments: [],
    action: { id: q.data, messageId: String(m.message_id) },
    receivedAt: new Date().toISOString(),
    raw: update,
  };
}

/**
 * `<chat.id>`, or `<chat.id>:<topic>` in forum topics. Only forum topics split a chat: ordinary
 * supergroups also set message_thread_id on reply chains, which would scatter one group
 * conversation over as many conversations as there are reply chains.
 */
export function chatKeyOf(m: Message): string {
  const topic = m.message_thread_id !== undefined && (m.is_topic_message || ("is_forum" in m.chat && m.chat.is_forum));
  return topic ? `${m.chat.id}:${m.message_thread_id}` : String(m.chat.id);
}

/** Inverse of chatKeyOf, for sending. */
export function parseChatKey(chatKey: string): { chatId: number; threadId?: number } {
  const [chat, thread] = chatKey.split(":");
  return { chatId: Number(chat), threadId: thread ? Number(thread) : undefined };
}

function attachmentsOf(m: Message): Attachment[] {
  const out: Attachment[] = [];
  if (m.document) out.push({ name: m.document.file_name ?? "document", mime: m.document.mime_type, size: m.document.file_size, ref: m.document.file_id });
  if (m.photo?.length) {
    // Telegram lists the same photo in several sizes; the largest is the one worth fetching.
    const p = m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    out.push({ name: "photo.jpg", mime: "image/jpeg", size: p.file_size, ref: p.file_id });
  }
  if (m.audio) out.push({ name: m.audio.file_name ?? "audio", mime: m.audio.mime_type, size: m.audio.file_size, ref: m.audio.file_id });
  if (m.voice) out.push({ name: "voice.ogg", mime: m.voice.mime_type ?? "audio/ogg", size: m.voice.file_size, ref: m.voice.file_id });
  if (m.video) out.push({ name: m.video.file_name ?? "video.mp4", mime: m.video.mime_type, size: m.video.file_size, ref: m.video.file_id });
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
