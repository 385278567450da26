/**
 * A voice reply on Telegram: `sendVoice` (multipart, the Ogg Opus answer) with the text as its
 * caption when it fits Telegram's 1024-character caption, else the voice first and the text after
 * it as ordinary messages (sendReply). The buttons go under whichever carries the text's end.
 *
 * Invariant: the voice never costs the answer — if sendVoice fails for any reason, the text goes out
 * alone exactly as it would have without a voice (the failure is logged, the token redacted).
 */
import type { Api, InputFile } from "grammy";
import type { Logger } from "pino";
import type { OutboundText } from "../types.ts";
import { markdownToHtml } from "./html.ts";
import { parseChatKey } from "./normalize.ts";
import { type GrammyErrors, sendReply, toSendError } from "./send.ts";

export const MAX_CAPTION_LENGTH = 1024;

export interface VoiceClient {
  api: Api;
  errors: GrammyErrors;
  InputFile: typeof InputFile;
}

export async function sendWithVoice(c: VoiceClient, token: string, message: OutboundText, log: Logger): Promise<{ externalId: string }> {
  const voice = message.voice;
  if (!voice) return sendReply(c.api, c.errors, token, message);
  const { chatId, threadId } = parseChatKey(message.chatKey);
  const captioned = message.text.length <= MAX_CAPTION_LENGTH;
  const keyboard = captioned && message.buttons?.length ? { reply_markup: { inline_keyboard: [message.buttons.map((b) => ({ text: b.label, callback_data: b.id }))] } } : {};
  const common = {
    ...(threadId !== undefined ? { message_thread_id: threadId } : {}),
    ...(message.replyTo ? { reply_parameters: { message_id: Number(message.replyTo), allow_sending_without_reply: true } } : {}),
    ...keyboard,
  };
  const file = () => new c.InputFile(voice.bytes, "reply.ogg");
  let sent;
  try {
    if (!captioned) sent = await c.api.sendVoice(chatId, file(), common);
    else {
      try {
        sent = await c.api.sendVoice(chatId, file(), { ...common, caption: markdownToHtml(message.text), parse_mode: "HTML" });
      } catch (e) {
        // As for text: a caption Telegram cannot parse goes out plain rather than not at all.
        if (!(e instanceof c.errors.GrammyError && e.error_code === 400 && /can't parse entities/i.test(e.description))) throw e;
        sent = await c.api.sendVoice(chatId, file(), { ...common, caption: message.text });
      }
    }
  } catch (e) {
    log.warn({ error: toSendError(e, c.errors, token).message }, "telegram: voice reply not sent; the text goes out alone");
    return sendReply(c.api, c.errors, token, { ...message, voice: undefined });
  }
  if (captioned) return { externalId: String(sent.message_id) };
  // Too long for a caption: the text follows the voice, threaded the same way.
  await sendReply(c.api, c.errors, token, { ...message, voice: undefined });
  return { externalId: String(sent.message_id) };
}
