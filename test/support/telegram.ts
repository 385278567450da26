/**
 * A Telegram Bot API for tests: telegram-test-api behind a small Bun.serve proxy that fixes what
 * the emulator gets wrong where our adapter depends on it. Point grammy at `apiRoot`.
 *
 * The proxy owns, per bot token (tokens not configured get 401 like the real API):
 *  - getMe: each bot has its own id and username (the emulator answers one fixed bot for every token);
 *  - the update queue and getUpdates: `offset` confirms (ids < offset are never returned again, ids ≥
 *    offset are re-delivered until confirmed) and `timeout` long-polls; a newer getUpdates ends an
 *    older pending one with 409, and getUpdates while a webhook is set is 409 — as Telegram does;
 *  - setWebhook/deleteWebhook/getWebhookInfo: deliveries carry X-Telegram-Bot-Api-Secret-Token;
 *  - sendChatAction: answered `true` and recorded (the emulator answers 500);
 *  - sendMessage checks before forwarding: HTML must parse (allowed tags, balanced, known entities)
 *    else 400 "can't parse entities"; visible text 1..4096 characters else 400.
 * The emulator still allocates update/message ids, shapes user messages (its client API) and stores
 * what the bot sent; every other method is forwarded to it unchanged.
 *
 * Deviations from the real API that remain: a failed webhook delivery is not retried (userSends
 * reports its status instead); entities are derived from the text (bot_command at the start,
 * @mentions); sendMessage results always say chat type "private" and date in milliseconds; no rate
 * limits.
 *
 * Files: putFile(bytes) stores a file for a bot and returns its file_id (put it into `extra`, e.g. a
 * photo or document); getFile answers {file_id, file_size, file_path} ("Bad Request: file is too big"
 * above the Bot API's 20 MB, "invalid file_id" for unknown ones) and GET /file/bot<token>/<file_path>
 * serves the bytes to that bot's token only — as the real API does.
 *
 * blockChat(chatId) plays a user who blocked the bot: sendMessage to that chat is 403 "Forbidden:
 * bot was blocked by the user" (nothing stored) until unblockChat(chatId).
 *
 * Buttons: sendMessage's reply_markup is kept with the reply; userClicks() presses an inline button
 * (a callback_query update, delivered like a message); a button must be a callback or a public http(s)
 * link, as the Bot API insists (400 otherwise); answerCallbackQuery is recorded (answers());
 * editMessageText checks HTML like sendMessage, replaces the stored reply's text, drops its keyboard
 * unless a new one is given, and is recorded (edits()) — the emulator itself answers null.
 *
 * Voice: sendVoice (multipart, as grammy sends an InputFile) is answered by the shim — the emulator
 * has no such method: the file must be Ogg (else 400 VOICE_MESSAGES_FORBIDDEN; real Telegram also
 * plays MP3/M4A), the caption is checked like sendMessage's text (HTML, ≤ 1024 visible characters,
 * else "message caption is too long"); the message is stored with the bot's messages (text = caption)
 * and its bytes are kept for voices().
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Message, MessageEntity, Update, User } from "grammy/types";
import TelegramServer from "telegram-test-api";

export interface ShimBot {
  token: string;
  id: number;
  username: string;
}
/** What a user's message may carry beyond its text. */
export interface UserMessageOptions {
  /** Which bot receives it; default the first. */
  token?: string;
  from?: Partial<User>;
  /** Answers this message of the bot's (reply_to_message). */
  replyTo?: BotReply;
  /** Posts into this forum topic (the chat becomes a forum). */
  topic?: number;
  /** Merged into the message: caption, document, photo… */
  extra?: Partial<Message>;
}
export interface BotReply {
  message_id: number;
  /** A link button has `url` and no callback_data (typed as always there, for the many callback tests). */
  reply_markup?: { inline_keyboard: { text: string; callback_data: string; url?: string }[][] };
  chat_id: number;
  /** As sent (HTML when parse_mode is HTML). */
  text: string;
  /** What the user sees: tags removed, entities decoded. */
  visible: string;
  parse_mode?: string;
  reply_to?: number;
  reply_parameters?: { message_id: number; allow_sending_without_reply?: boolean };
  message_thread_id?: number;
}
/** A voice note the bot sent (sendVoice). */
export interface SentVoice {
  token: string;
  chatId: number;
  messageId: number;
  bytes: Uint8Array;
  /** As the user sees it (tags removed). */
  caption: string;
}
export interface TelegramShim {
  apiRoot: string;
  bots: ShimBot[];
  /** The first bot's token. */
  token: string;
  userSends(chatId: number, text: string, opts?: UserMessageOptions): Promise<{ update: Update; webhookStatus?: number }>;
  /** In a supergroup; `mention` prefixes "@<bot username> ". */
  userSendsInGroup(chatId: number, text: string, opts?: UserMessageOptions & { mention?: boolean }): Promise<{ update: Update; webhookStatus?: number }>;
  botReplies(chatId: number, token?: string): BotReply[];
  waitForReplies(chatId: number, count: number, opts?: { token?: string; timeoutMs?: number }): Promise<BotReply[]>;
  chatActions(chatId: number, token?: string): string[];
  /** getUpdates calls ended with 409 because a second poller of the same bot called in. */
  conflicts(token?: string): number;
  /** From now on sendMessage is stored (the user sees it) but not answered until releaseAnswers(). */
  holdAnswers(): void;
  releaseAnswers(): void;
  /** sendMessage calls stored while answers were held. */
  heldAccepted(): number;
  /** Presses the inline button with callback `data` under `reply` (default: as the chat's user). */
  userClicks(reply: BotReply, data: string, opts?: { token?: string; from?: Partial<User> }): Promise<{ update: Update; webhookStatus?: number }>;
  /** answerCallbackQuery calls, oldest first. */
  answers(token?: string): { callback_query_id: string; text?: string }[];
  /** editMessageText calls, oldest first. */
  edits(chatId: number, token?: string): { message_id: number; text: string; visible: string }[];
  /** sendMessage to this chat answers 403 (the user blocked the bot) until unblockChat. */
  blockChat(chatId: number): void;
  /** Stores a file the chat's user sent (for `token`'s bot); the ids go into a message's `extra`. */
  putFile(bytes: Uint8Array, token?: string): { file_id: string; file_unique_id: string; file_size: number };
  unblockChat(chatId: number): void;
  /** Voice notes the bot sent to this chat (sendVoice), oldest first; they are in botReplies too (text = caption). */
  voices(chatId: number, token?: string): SentVoice[];
  stop(): Promise<void>;
}

interface BotState {
  bot: ShimBot;
  queue: Update[];
  pending?: (outcome: "ready" | "conflict") => void;
  webhook?: { url: string; secret?: string };
  actions: { chatId: number; action: string }[];
  answers: { callback_query_id: string; text?: string }[];
  edits: { chat_id: number; message_id: number; text: string; visible: string }[];
  conflicts: number;
}

export async function startTelegramShim(opts: { bots?: { username: string; id?: number; token?: string }[] } = {}): Promise<TelegramShim> {
  const bots = (opts.bots ?? [{ username: "KonstructTestBot" }]).map((b, i) => {
    const id = b.id ?? 7_000_000_001 + i;
    return { id, username: b.username, token: b.token ?? `${id}:AAH${crypto.randomUUID().replace(/-/g, "")}` };
  });
  const state = new Map(bots.map((bot) => [bot.token, { bot, queue: [], actions: [], answers: [], edits: [], conflicts: 0 } as BotState]));
  const newHold = () => {
    const h = { on: false, accepted: 0, release: () => {} } as { on: boolean; accepted: number; released: Promise<void>; release: () => void };
    h.released = new Promise<void>((r) => (h.release = r));
    return h;
  };
  let hold = newHold();
  const blocked = new Set<string>();
  const files = new Map<string, { token: string; bytes: Uint8Array; path: string }>();
  const voices: SentVoice[] = [];
  const MAX_BOT_DOWNLOAD = 20 * 1024 * 1024;
  const emulator = new TelegramServer({ storeTimeout: 24 * 3600 });
  // Our own listener on an ephemeral port: the emulator's start() treats port 0 as "use 9000".
  const inner = http.createServer((emulator as unknown as { webServer: http.RequestListener }).webServer);
  await new Promise<void>((resolve) => inner.listen(0, "127.0.0.1", resolve));
  const innerUrl = `http://127.0.0.1:${(inner.address() as AddressInfo).port}`;

  const proxy = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 60, // long polls hold a request up to `timeout` seconds
    async fetch(req) {
      const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(new URL(req.url).pathname);
      if (download) {
        const f = [...files.values()].find((x) => x.token === download[1] && x.path === download[2]);
        return f ? new Response(f.bytes, { headers: { "content-length": String(f.bytes.byteLength) } }) : fail(404, "Not Found");
      }
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(req.url).pathname);
      const s = match && state.get(match[1]!);
      if (!match || !s) return fail(401, "Unauthorized");
      const p = await params(req);
      switch (match[2]) {
        case "getMe":
          return ok({ id: s.bot.id, is_bot: true, first_name: s.bot.username, username: s.bot.username, can_join_groups: true });
        case "getUpdates":
          return getUpdates(s, p, req.signal);
        case "setWebhook":
          s.webhook = { url: String(p.url), secret: p.secret_token ? String(p.secret_token) : undefined };
          return ok(true);
        case "deleteWebhook":
          s.webhook = undefined;
          if (p.drop_pending_updates) s.queue = [];
          return ok(true);
        case "getWebhookInfo":
          return ok({ url: s.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: s.queue.length });
        case "sendChatAction":
          s.actions.push({ chatId: Number(p.chat_id), action: String(p.action) });
          return ok(true);
        case "getFile": {
          const f = files.get(String(p.file_id));
          if (!f || f.token !== s.bot.token) return fail(400, "Bad Request: invalid file_id");
          if (f.bytes.byteLength > MAX_BOT_DOWNLOAD) return fail(400, "Bad Request: file is too big");
          return ok({ file_id: String(p.file_id), file_unique_id: `u${p.file_id}`, file_size: f.bytes.byteLength, file_path: f.path });
        }
        case "answerCallbackQuery":
          s.answers.push({ callback_query_id: String(p.callback_query_id), ...(p.text ? { text: String(p.text) } : {}) });
          return ok(true);
        case "editMessageText": {
          const text = String(p.text ?? "");
          const parsed = p.parse_mode === "HTML" ? parseHtml(text) : { visible: text };
          if ("error" in parsed) return fail(400, `Bad Request: can't parse entities: ${parsed.error}`);
          const stored = emulator.storage.botMessages.find((m) => m.botToken === s.bot.token && String(m.messageId) === String(p.message_id) && String(m.message.chat_id) === String(p.chat_id));
          if (!stored) return fail(400, "Bad Request: message to edit not found");
          const before = stored.message as unknown as { text: string; reply_markup?: unknown };
          if (before.text === text && !p.reply_markup) return fail(400, "Bad Request: message is not modified");
          stored.message = { ...stored.message, text, parse_mode: p.parse_mode, reply_markup: p.reply_markup } as never;
          s.edits.push({ chat_id: Number(p.chat_id), message_id: Number(p.message_id), text, visible: parsed.visible });
          return ok({ message_id: Number(p.message_id), chat: { id: Number(p.chat_id), type: "private" }, date: Math.floor(Date.now() / 1000), text: parsed.visible });
        }
        case "sendVoice": {
          // Not in the emulator: answered here from the Bot API reference and stored as a bot message
          // (text = the caption), so botReplies/waitForReplies count it like any other answer.
          if (blocked.has(String(p.chat_id))) return fail(403, "Forbidden: bot was blocked by the user");
          // Multipart may name the file's own part ("attach://<name>"), as grammy does.
          const file = typeof p.voice === "string" && p.voice.startsWith("attach://") ? p[p.voice.slice("attach://".length)] : p.voice;
          if (!(file instanceof Blob)) return fail(400, "Bad Request: there is no voice in the request");
          const bytes = new Uint8Array(await file.arrayBuffer());
          if (bytes.byteLength > 50 * 1024 * 1024) return fail(413, "Request Entity Too Large");
          // Telegram plays OGG/Opus (also MP3, M4A) as a voice note; the shim accepts Ogg only.
          if (new TextDecoder().decode(bytes.subarray(0, 4)) !== "OggS") return fail(400, "Bad Request: VOICE_MESSAGES_FORBIDDEN");
          const caption = String(p.caption ?? "");
          const parsed = p.parse_mode === "HTML" ? parseHtml(caption) : { visible: caption };
          if ("error" in parsed) return fail(400, `Bad Request: can't parse entities: ${parsed.error}`);
          if (parsed.visible.length > 1024) return fail(400, "Bad Request: message caption is too long");
          const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
          const voice = { file_id: `V${voices.length + 1}${crypto.randomUUID().slice(0, 8)}`, duration: 1, mime_type: "audio/ogg", file_size: bytes.byteLength };
          const result = emulator.addBotMessage({ chat_id: p.chat_id, text: caption, voice, ...(p.parse_mode ? { parse_mode: p.parse_mode } : {}), ...(p.reply_parameters ? { reply_parameters: json(p.reply_parameters) } : {}), ...(p.reply_markup ? { reply_markup: json(p.reply_markup) } : {}), ...(p.message_thread_id ? { message_thread_id: Number(p.message_thread_id) } : {}) } as never, s.bot.token);
          voices.push({ token: s.bot.token, chatId: Number(p.chat_id), messageId: (result as { message_id: number }).message_id, bytes, caption: parsed.visible });
          return ok({ ...(result as object), text: undefined, caption: parsed.visible || undefined });
        }
        case "sendMessage": {
          if (blocked.has(String(p.chat_id))) return fail(403, "Forbidden: bot was blocked by the user");
          const text = String(p.text ?? "");
          const parsed = p.parse_mode === "HTML" ? parseHtml(text) : { visible: text };
          if ("error" in parsed) return fail(400, `Bad Request: can't parse entities: ${parsed.error}`);
          if (!parsed.visible.trim()) return fail(400, "Bad Request: message text is empty");
          if (parsed.visible.length > 4096) return fail(400, "Bad Request: message is too long");
          // Like the Bot API: a button is either a callback or a link, and a link must be a public http(s) URL.
          const markup = typeof p.reply_markup === "string" ? JSON.parse(p.reply_markup) : p.reply_markup;
          const keys = ((markup as { inline_keyboard?: { callback_data?: string; url?: string }[][] } | undefined)?.inline_keyboard ?? []).flat();
          if (keys.some((k) => (k.callback_data === undefined) === (k.url === undefined))) return fail(400, "Bad Request: inline keyboard button must have exactly one optional field");
          if (keys.some((k) => k.url !== undefined && !/^https?:\/\/(?!localhost\b|127\.|\[)[^\s/]+\.[^\s/]+/.test(k.url))) return fail(400, "Bad Request: BUTTON_URL_INVALID");
        }
      }
      // A fresh connection per call: a reused keep-alive socket the emulator has already closed resets
      // under load (ECONNRESET), which no real Bot API does. Should the emulator still fail, the bot gets
      // a 502 it can retry, as from Telegram, instead of the shim throwing.
      const res = await fetch(`${innerUrl}${new URL(req.url).pathname}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(p), keepalive: false }).catch(() => null);
      if (!res) return fail(502, "Bad Gateway");
      const body = await res.arrayBuffer();
      if (match[2] === "sendMessage" && hold.on) {
        // Stored (the chat has it) but the bot is not told yet: the window a crash can fall into.
        hold.accepted++;
        await hold.released;
      }
      return new Response(body, { status: res.status, headers: { "content-type": "application/json" } });
    },
  });

  async function getUpdates(s: BotState, p: Record<string, unknown>, signal: AbortSignal): Promise<Response> {
    if (s.webhook) return fail(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    s.pending?.("conflict");
    const offset = Number(p.offset ?? 0);
    if (offset > 0) s.queue = s.queue.filter((u) => u.update_id >= offset);
    const timeout = Number(p.timeout ?? 0);
    const outcome = await new Promise<"ready" | "conflict">((resolve) => {
      if (s.queue.length || timeout <= 0) return resolve("ready");
      const finish = (o: "ready" | "conflict") => {
        clearTimeout(timer);
        if (s.pending === finish) s.pending = undefined;
        resolve(o);
      };
      const timer = setTimeout(() => finish("ready"), timeout * 1000);
      s.pending = finish;
      signal.addEventListener("abort", () => finish("ready"), { once: true });
    });
    if (outcome === "conflict") s.conflicts++;
    if (outcome === "conflict") return fail(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
    return ok(s.queue.slice(0, Math.min(Math.max(Number(p.limit ?? 100), 1), 100)));
  }

  async function userSends(chatId: number, text: string, o: UserMessageOptions = {}, group = false) {
    const s = state.get(o.token ?? bots[0]!.token);
    if (!s) throw new Error("userSends: unknown bot token");
    const from = { id: group ? 1001 : chatId, first_name: "Test", last_name: "User", username: "test_user", is_bot: false, ...o.from };
    const client = emulator.getClient(s.bot.token, { chatId, userId: from.id, type: group ? "supergroup" : "private", ...(group ? { chatTitle: "Test Group" } : {}) });
    const message = client.makeMessage(text, {
      ...(o.extra as object),
      from,
      entities: entitiesOf(text),
      ...(o.topic !== undefined ? { message_thread_id: o.topic, is_topic_message: true, chat: { is_forum: true } } : {}),
      ...(o.replyTo ? { reply_to_message: { message_id: o.replyTo.message_id, date: 0, chat: { id: chatId }, from: { id: s.bot.id, is_bot: true, first_name: s.bot.username, username: s.bot.username }, text: o.replyTo.visible } } : {}),
    } as never);
    await emulator.addUserMessage(message);
    const [raw] = emulator.getUpdates(s.bot.token) as unknown as { update_id: number; message: Record<string, unknown> }[];
    const { botToken: _, ...clean } = raw!.message; // the emulator leaks the token into the message
    // A message with a caption (a file, a photo) has no text in the real API.
    if ("caption" in clean && !text) delete clean.text;
    return deliver(s, { update_id: raw!.update_id, message: clean } as unknown as Update);
  }

  async function userClicks(reply: BotReply, data: string, o: { token?: string; from?: Partial<User> } = {}) {
    const s = state.get(o.token ?? bots[0]!.token);
    if (!s) throw new Error("userClicks: unknown bot token");
    const buttons = (reply.reply_markup?.inline_keyboard ?? []).flat();
    if (!buttons.some((b) => b.callback_data === data)) throw new Error(`userClicks: no button '${data}' under message ${reply.message_id}`);
    const from = { id: reply.chat_id, first_name: "Test", last_name: "User", username: "test_user", is_bot: false, ...o.from };
    const message = { message_id: reply.message_id, date: Math.floor(Date.now() / 1000), chat: { id: reply.chat_id, type: reply.chat_id < 0 ? "supergroup" : "private" }, from: { id: s.bot.id, is_bot: true, first_name: s.bot.username, username: s.bot.username }, text: reply.visible };
    await emulator.addUserCallback({ botToken: s.bot.token, from, message, data } as never);
    const [raw] = emulator.getUpdates(s.bot.token) as unknown as { update_id: number; callback_query: Record<string, unknown> }[];
    return deliver(s, { update_id: raw!.update_id, callback_query: raw!.callback_query } as unknown as Update);
  }

  async function deliver(s: BotState, update: Update): Promise<{ update: Update; webhookStatus?: number }> {
    if (!s.webhook) {
      s.queue.push(update);
      s.pending?.("ready");
      return { update };
    }
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (s.webhook.secret) headers["x-telegram-bot-api-secret-token"] = s.webhook.secret;
    const res = await fetch(s.webhook.url, { method: "POST", headers, body: JSON.stringify(update) }).catch(() => undefined);
    await res?.arrayBuffer();
    return { update, webhookStatus: res?.status ?? 0 };
  }

  const botReplies = (chatId: number, token = bots[0]!.token): BotReply[] =>
    emulator.storage.botMessages
      .filter((m) => m.botToken === token && Number(m.message.chat_id) === chatId)
      .map((m) => {
        const b = m.message as unknown as Omit<BotReply, "message_id" | "visible"> & { reply_to_message_id?: number };
        const parsed = b.parse_mode === "HTML" ? parseHtml(b.text) : { visible: b.text };
        return { ...b, chat_id: chatId, message_id: m.messageId, visible: "visible" in parsed ? parsed.visible : b.text, reply_to: b.reply_parameters?.message_id ?? b.reply_to_message_id };
      });

  return {
    apiRoot: `http://127.0.0.1:${proxy.port}`,
    bots,
    token: bots[0]!.token,
    userSends: (chatId, text, o) => userSends(chatId, text, o),
    userSendsInGroup: (chatId, text, o = {}) => {
      const bot = state.get(o.token ?? bots[0]!.token)?.bot;
      return userSends(chatId, o.mention && bot ? `@${bot.username} ${text}` : text, o, true);
    },
    botReplies,
    async waitForReplies(chatId, count, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 5000);
      while (botReplies(chatId, o.token).length < count) {
        if (Date.now() > deadline) throw new Error(`waitForReplies: ${botReplies(chatId, o.token).length} of ${count} replies in chat ${chatId}`);
        await Bun.sleep(10);
      }
      return botReplies(chatId, o.token);
    },
    chatActions: (chatId, token = bots[0]!.token) => state.get(token)!.actions.filter((a) => a.chatId === chatId).map((a) => a.action),
    conflicts: (token = bots[0]!.token) => state.get(token)!.conflicts,
    holdAnswers: () => {
      hold = newHold();
      hold.on = true;
    },
    releaseAnswers: () => {
      hold.on = false;
      hold.release();
    },
    heldAccepted: () => hold.accepted,
    blockChat: (chatId) => void blocked.add(String(chatId)),
    unblockChat: (chatId) => void blocked.delete(String(chatId)),
    voices: (chatId, token = bots[0]!.token) => voices.filter((v) => v.token === token && v.chatId === chatId),
    putFile(bytes, token = bots[0]!.token) {
      const id = `F${files.size + 1}${crypto.randomUUID().slice(0, 8)}`;
      files.set(id, { token, bytes, path: `documents/file_${files.size}.bin` });
      return { file_id: id, file_unique_id: `u${id}`, file_size: bytes.byteLength };
    },
    userClicks,
    answers: (token = bots[0]!.token) => state.get(token)!.answers,
    edits: (chatId, token = bots[0]!.token) => state.get(token)!.edits.filter((e) => e.chat_id === chatId).map(({ chat_id: _, ...e }) => e),
    async stop() {
      hold.release();
      for (const s of state.values()) s.pending?.("ready");
      await proxy.stop(true);
      inner.closeAllConnections();
      await new Promise((resolve) => inner.close(resolve));
    },
  };
}

async function params(req: Request): Promise<Record<string, unknown>> {
  const query: Record<string, unknown> = Object.fromEntries(new URL(req.url).searchParams);
  const type = req.headers.get("content-type") ?? "";
  if (req.method !== "POST") return query;
  if (type.includes("json")) return { ...query, ...((await req.json().catch(() => ({}))) as object) };
  if (type.includes("form")) return { ...query, ...Object.fromEntries((await req.formData()).entries()) };
  return query;
}
const ok = (result: unknown) => Response.json({ ok: true, result });
const fail = (code: number, description: string) => Response.json({ ok: false, error_code: code, description }, { status: code });

/** Telegram's own entity detection, reduced to what bots care about. Offsets are UTF-16, as in the API. */
function entitiesOf(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  const cmd = /^\/\w+(@\w+)?/.exec(text);
  if (cmd) out.push({ type: "bot_command", offset: 0, length: cmd[0].length });
  for (const m of text.matchAll(/(?<![\w/])@\w{5,32}/g)) out.push({ type: "mention", offset: m.index, length: m[0].length });
  return out;
}

const TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span", "tg-spoiler", "tg-emoji", "blockquote"]);
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** Parses like Telegram's HTML mode: the visible text, or why Telegram would reject it. */
function parseHtml(html: string): { visible: string } | { error: string } {
  const open: string[] = [];
  let visible = "";
  for (const [tok, close, name, entity] of html.matchAll(/<(\/?)([a-zA-Z-]*)[^<>]*>|&(#?\w+);|[^<>&]+|[<>&]/g)) {
    if (name !== undefined || tok.startsWith("<")) {
      const tag = (name ?? "").toLowerCase();
      if (!TAGS.has(tag)) return { error: `Unsupported start tag "${tag}" at byte offset ${visible.length}` };
      if (!close) open.push(tag);
      else if (open.pop() !== tag) return { error: `Can't find end tag corresponding to start tag "${tag}"` };
    } else if (entity !== undefined) {
      const code = Number(entity.replace(/^#x/i, "0x").replace(/^#/, ""));
      const char = !entity.startsWith("#") ? ENTITIES[entity] : Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
      if (char === undefined) return { error: `Unsupported HTML entity "&${entity};"` };
      visible += char;
    } else {
      visible += tok;
    }
  }
  if (open.length) return { error: `Can't find end tag corresponding to start tag "${open.at(-1)}"` };
  return { visible };
}
