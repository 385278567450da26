/**
 * Sending replies and mapping Bot API failures onto the outbox's SendError.
 *
 * Invariants: the Markdown is split first and each part converted on its own, so every part is
 * balanced HTML within Telegram's 4096-character limit; parts go out in order, each threaded under
 * the user's message. A part Telegram cannot parse is re-sent as plain text: an answer with stray
 * asterisks beats a lost answer. No error message carries the bot token (it is the bot's password
 * and error messages end up in logs and in the outbox table).
 */
import { refusalIn } from "../../net/outbound.ts";
import type { Api, GrammyError, HttpError } from "grammy";
import { networkDoubt, SendError } from "../port.ts";
import { splitText } from "../split.ts";
import type { OutboundText } from "../types.ts";
import { markdownToHtml } from "./html.ts";
import { parseChatKey } from "./normalize.ts";

export const MAX_MESSAGE_LENGTH = 4096;

/** The grammy error classes, passed in because grammy itself is loaded lazily. */
export interface GrammyErrors {
  GrammyError: typeof GrammyError;
  HttpError: typeof HttpError;
}

export async function sendReply(api: Api, errors: GrammyErrors, token: string, message: OutboundText): Promise<{ externalId: string }> {
  const { chatId, threadId } = parseChatKey(message.chatKey);
  const common = {
    ...(threadId !== undefined ? { message_thread_id: threadId } : {}),
    // The user's message may be gone by the time we answer; the answer must still arrive.
    ...(message.replyTo ? { reply_parameters: { message_id: Number(message.replyTo), allow_sending_without_reply: true } } : {}),
  };
  let first: string | undefined;
  const parts = splitText(message.text || "…", MAX_MESSAGE_LENGTH);
  for (const [i, part] of parts.entries()) {
    let sent;
    const keyboard = i === parts.length - 1 && message.buttons?.length ? { reply_markup: { inline_keyboard: [message.buttons.map((b) => (b.url ? { text: b.label, url: b.url } : { text: b.label, callback_data: b.id }))] } } : {};
    try {
      sent = await api.sendMessage(chatId, markdownToHtml(part), { ...common, ...keyboard, parse_mode: "HTML" });
    } catch (e) {
      if (!(e instanceof errors.GrammyError && e.error_code === 400 && /can't parse entities/i.test(e.description))) throw toSendError(e, errors, token);
      try {
        sent = await api.sendMessage(chatId, part, { ...common, ...keyboard });
      } catch (e2) {
        throw toSendError(e2, errors, token);
      }
    }
    first ??= String(sent.message_id);
  }
  return { externalId: first ?? "" };
}

/**
 * 429 → retry after Telegram's hint; 5xx and network → retry, a network failure after the request
 * was written marked with its doubt (SendError.doubt); anything else (400 chat not found, 403
 * blocked) is final.
 */
export function toSendError(e: unknown, errors: GrammyErrors, token: string): SendError {
  if (e instanceof SendError) return e;
  if (e instanceof errors.GrammyError) {
    const text = redact(`telegram: ${e.error_code} ${e.description}`, token);
    if (e.error_code === 429) return new SendError(text, true, (e.parameters.retry_after ?? 1) * 1000);
    return new SendError(text, e.error_code >= 500);
  }
  // The SSRF guard refused api_root: retrying cannot help, and the text is ours (no remote body).
  const refused = refusalIn(e);
  if (refused) return new SendError(`telegram: ${refused.message}`, false);
  if (e instanceof errors.HttpError) return new SendError(redact(`telegram: ${e.message}`, token), true, undefined, networkDoubt(e));
  return new SendError(redact(`telegram: ${e instanceof Error ? e.message : String(e)}`, token), false);
}

/** Removes the token, and anything shaped like one, from text bound for logs. */
export function redact(text: string, token: string): string {
  const scrubbed = token ? text.split(token).join("<redacted>") : text;
  return scrubbed.replace(/\d{5,}:[\w-]{30,}/g, "<redacted>");
}
