/**
 * The Telegram channel adapter (kind "telegram"): long polling (default; works behind NAT) or a
 * webhook, one bot per connection.
 *
 * Invariants: an update is acknowledged to Telegram only after the sink resolved, i.e. after it is
 * durable — polling saves the offset past it (see poll.ts), a webhook answers 200. A webhook request
 * without the exact secret token is refused (401) before its body is even read. grammy is imported
 * on first use, not at module load, so a process without Telegram connections never pays for it;
 * each adapter owns its own client, no state is shared between connections. start() resolves after
 * one attempt to reach Telegram: a failure is logged and retried in the background rather than
 * thrown, so one unreachable bot never keeps the other connections from starting.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { AdapterContext, ChannelDefinition, HttpAdapter } from "../port.ts";
import type { InboundSink } from "../types.ts";
import { type BotIdentity, groupPolicy, normalizeUpdate, parseChatKey } from "./normalize.ts";
import { ALLOWED_UPDATES, grammySignal, pollUpdates, sleep } from "./poll.ts";
import { markdownToHtml } from "./html.ts";
import { downloadFile } from "./download.ts";
import { type GrammyErrors, MAX_MESSAGE_LENGTH, redact, toSendError } from "./send.ts";
import { sendWithVoice, type VoiceClient } from "./send-voice.ts";

export function createTelegramAdapter(def: ChannelDefinition, ctx: AdapterContext): HttpAdapter {
  const token = def.secrets.bot_token ?? "";
  const secret = def.secrets.webhook_secret ?? "";
  // grammy refuses an apiRoot with a trailing slash; configs and URL validators like to add one.
  const apiRoot = (def.settings.api_root || "https://api.telegram.org").replace(/\/+$/, "");
  const policy = groupPolicy(def.settings.groups);
  const webhook = def.mode === "webhook";
  const { log } = ctx;

  let client: Promise<VoiceClient> | undefined;
  let bot: BotIdentity | undefined;
  let sink: InboundSink | undefined;
  let controller: AbortController | undefined;
  let running: Promise<void> | undefined;

  const grammy = () =>
    (client ??= import("grammy").then((g) => ({ api: new g.Api(token, { apiRoot, fetch: ctx.fetch }), errors: { GrammyError: g.GrammyError, HttpError: g.HttpError }, InputFile: g.InputFile })));

  const handle = async (update: Update) => {
    const message = normalizeUpdate(update, bot!, policy);
    if (message) await sink!(message);
    else log.debug({ update: update.update_id }, "telegram update ignored");
    // Telegram shows a spinner on the button until the press is answered; answer once it is durable.
    if (update.callback_query) {
      const { api } = await grammy();
      await api.answerCallbackQuery(update.callback_query.id, message ? { text: "Received" } : {}).catch((e) => log.warn({ error: redact(String(e), token) }, "answerCallbackQuery failed"));
    }
  };

  /** Learns who the bot is and points Telegram at the right delivery; false (logged) on failure. */
  const setUp = async (api: Api, errors: GrammyErrors, signal: AbortSignal): Promise<boolean> => {
    try {
      const me = await api.getMe(grammySignal(signal));
      bot = { id: me.id, username: me.username };
      log.info({ bot: `@${me.username}`, botId: me.id, mode: webhook ? "webhook" : "polling" }, "telegram bot identified");
      if (!webhook) await api.deleteWebhook({}, grammySignal(signal)); // Telegram refuses getUpdates while a webhook is set.
      else if (ctx.webhookUrl) await api.setWebhook(ctx.webhookUrl, { secret_token: secret || undefined, allowed_updates: [...ALLOWED_UPDATES] }, grammySignal(signal));
      else log.warn("telegram webhook mode but no public URL: set server.public_url so Telegram can reach /hooks/telegram/…, or use polling");
      if (webhook && !secret) log.error("telegram webhook mode without webhook_secret: every webhook request will be refused");
      return true;
    } catch (e) {
      if (!signal.aborted) log.error({ error: toSendError(e, errors, token).message }, "telegram: cannot reach the Bot API; retrying");
      return false;
    }
  };

  async function handleHttp(request: Request): Promise<Response> {
    if (!secret || !sameSecret(request.headers.get("x-telegram-bot-api-secret-token"), secret)) {
      log.warn("telegram webhook refused: missing or wrong secret token");
      return refuse(401, "unauthorized", "missing or wrong X-Telegram-Bot-Api-Secret-Token");
    }
    let update: Update;
    try {
      update = (await request.json()) as Update;
    } catch {
      return refuse(400, "bad_request", "body is not valid JSON");
    }
    if (typeof update?.update_id !== "number") return refuse(400, "bad_request", "not a Telegram update");
    if (!bot || !sink) return refuse(503, "starting", "connection not started yet");
    try {
      await handle(update);
    } catch (e) {
      // Not recorded, so not acknowledged: Telegram redelivers on a non-2xx answer.
      log.error({ error: redact(e instanceof Error ? e.message : String(e), token), update: update.update_id }, "telegram update could not be recorded");
      return refuse(500, "not_recorded", "update could not be recorded; retry");
    }
    return Response.json({ ok: true });
  }

  return {
    capabilities: { threads: true, buttons: true, files: true, edits: true, typing: true, maxMessageLength: MAX_MESSAGE_LENGTH },

    async start(s) {
      if (running) throw new Error("telegram adapter already started");
      sink = s;
      const { api, errors } = await grammy();
      const abort = (controller = new AbortController());
      const ready = await setUp(api, errors, abort.signal);
      if (abort.signal.aborted) return; // stopped while starting
      running = (async () => {
        let ok = ready;
        for (let backoff = 1000; !ok && !abort.signal.aborted; backoff = Math.min(backoff * 2, 30_000)) {
          await sleep(backoff, abort.signal);
          if (!abort.signal.aborted) ok = await setUp(api, errors, abort.signal);
        }
        if (ok && !webhook) await pollUpdates({ api, errors, token, cursor: ctx.cursor, log, handle, signal: abort.signal });
      })().catch((e) => log.error({ error: redact(String(e), token) }, "telegram connection loop failed"));
    },

    async stop() {
      controller?.abort();
      await running;
      running = controller = undefined;
    },

    async send(message) {
      return sendWithVoice(await grammy(), token, message, log);
    },

    async download(attachment, maxBytes, signal) {
      const { api, errors } = await grammy();
      return downloadFile({ api, errors, apiRoot, token, fetch: ctx.fetch }, attachment, maxBytes, signal);
    },

    async edit(chatKey, externalId, text) {
      const { api, errors } = await grammy();
      try {
        // No reply_markup: the buttons go away with the edit.
        await api.editMessageText(parseChatKey(chatKey).chatId, Number(externalId), markdownToHtml(text), { parse_mode: "HTML" });
      } catch (e) {
        throw toSendError(e, errors, token);
      }
    },

    async typing(chatKey) {
      const { api, errors } = await grammy();
      const { chatId, threadId } = parseChatKey(chatKey);
      try {
        await api.sendChatAction(chatId, "typing", threadId !== undefined ? { message_thread_id: threadId } : {});
      } catch (e) {
        throw toSendError(e, errors, token);
      }
    },

    ...(webhook ? { handleHttp } : {}),
  };
}

/** Constant-time: hashing first gives equal lengths, so neither content nor length leaks. */
function sameSecret(given: string | null, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return given !== null && timingSafeEqual(digest(given), digest(expected));
}

function refuse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
