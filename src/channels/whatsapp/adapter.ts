/**
 * The WhatsApp Business Cloud API adapter (kind "whatsapp"): one phone number per connection,
 * webhooks on /hooks/whatsapp/<channel id>.
 *
 * Invariants: a POST is verified (X-Hub-Signature-256 over the raw, size-bounded body) before it is
 * parsed; changes for another phone number id are refused and logged, never routed; a delivery is
 * acknowledged (200) only after every message in it is durable, so Meta's retry carries nothing
 * lost and the inbox's event key (the wamid) drops the repeat. Sending enforces the 24-hour
 * customer-service window from the user's last inbound message: outside it only the configured
 * template goes out, otherwise a non-retryable refusal lands on the outbox row. A voice reply is an
 * uploaded audio message before the text; failing, it is skipped and the text goes out alone.
 */
import type { AdapterContext, ChannelDefinition, HttpAdapter } from "../port.ts";
import { SendError } from "../port.ts";
import { splitText } from "../split.ts";
import type { InboundSink, OutboundText } from "../types.ts";
import { OUTSIDE_WINDOW } from "./errors.ts";
import { markdownToWhatsApp } from "./format.ts";
import { Graph } from "./graph.ts";
import { normalizePayload } from "./normalize.ts";
import { sameToken, verifyMetaSignature } from "./verify.ts";

export const MAX_MESSAGE_LENGTH = 4096;
export const MAX_BODY_BYTES = 512 * 1024;
export const WINDOW_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_GRAPH_URL = "https://graph.facebook.com";

export function createWhatsAppAdapter(def: ChannelDefinition, ctx: AdapterContext, now: () => number = Date.now): HttpAdapter {
  const s = def.settings;
  const phoneNumberId = s.phone_number_id ?? "";
  const appSecret = def.secrets.app_secret ?? "";
  const verifyToken = s.verify_token ?? "";
  const graph = new Graph({ baseUrl: s.graph_url || DEFAULT_GRAPH_URL, version: s.api_version || "v21.0", phoneNumberId, token: def.secrets.access_token ?? "", fetch: ctx.fetch });
  const { log } = ctx;
  /** User → last inbound time and message id (for the window and the read/typing call). */
  const lastInbound = new Map<string, { at: number; messageId: string }>();
  let sink: InboundSink | undefined;

  function verifyGet(url: URL): Response {
    const q = url.searchParams;
    if (q.get("hub.mode") === "subscribe" && sameToken(q.get("hub.verify_token"), verifyToken)) {
      return new Response((q.get("hub.challenge") ?? "").slice(0, 256), { headers: { "content-type": "text/plain" } });
    }
    log.warn("whatsapp webhook verification refused: wrong verify token");
    return refuse(403, "forbidden", "verify token mismatch");
  }

  async function handleHttp(request: Request): Promise<Response> {
    if (request.method === "GET") return verifyGet(new URL(request.url));
    const body = await readBody(request);
    if (!body) return refuse(413, "too_large", `body larger than ${MAX_BODY_BYTES} bytes`);
    const verdict = verifyMetaSignature(appSecret, request.headers.get("x-hub-signature-256"), body);
    if (!verdict.ok) {
      log.warn({ reason: verdict.reason }, "whatsapp webhook refused");
      return refuse(401, "unauthorized", verdict.reason);
    }
    let normalized;
    try {
      normalized = normalizePayload(JSON.parse(new TextDecoder().decode(body)), phoneNumberId);
    } catch (e) {
      return refuse(400, "bad_request", e instanceof SyntaxError ? "body is not valid JSON" : String((e as Error).message));
    }
    if (normalized.foreign.length) log.warn({ numbers: normalized.foreign, channel: def.channelId }, "whatsapp change for an unknown phone number refused");
    if (!sink) return refuse(503, "starting", "connection not started yet");
    try {
      for (const m of normalized.messages) {
        await sink(m);
        const prev = lastInbound.get(m.chatKey);
        const at = Date.parse(m.receivedAt);
        if (!prev || prev.at <= at) lastInbound.set(m.chatKey, { at, messageId: m.eventKey });
      }
    } catch (e) {
      log.error({ error: e instanceof Error ? e.message : String(e) }, "whatsapp message could not be recorded");
      return refuse(500, "not_recorded", "message could not be recorded; retry");
    }
    for (const st of normalized.statuses) {
      const fields = { externalId: st.id, status: st.status, channel: def.channelId, ...(st.error ? { code: st.error.code } : {}) };
      if (st.status === "failed") log.warn(fields, "whatsapp delivery failed");
      else log.info(fields, "whatsapp delivery status");
      await ctx.onStatus?.(st);
    }
    return Response.json({ ok: true });
  }

  async function send(message: OutboundText): Promise<{ externalId: string }> {
    const to = message.chatKey;
    // The inbox is the durable record (a restart forgets the map); the map covers adapters without one.
    const durable = await ctx.lastInbound?.(to);
    const lastAt = Math.max(lastInbound.get(to)?.at ?? 0, durable?.getTime() ?? 0);
    if (!lastAt || now() - lastAt > WINDOW_MS) {
      if (!s.template_name) throw new SendError(`${OUTSIDE_WINDOW}; no template is configured, so nothing was sent`, false);
      const id = await graph.message(to, { type: "template", template: { name: s.template_name, language: { code: s.template_language || "en_US" } } });
      log.info({ to: "[user]", template: s.template_name }, "whatsapp: outside the window, template sent");
      return { externalId: id };
    }
    const parts = splitText(markdownToWhatsApp(message.text || "…"), MAX_MESSAGE_LENGTH);
    // A voice reply goes first as an audio message (WhatsApp audio has no caption); the text follows.
    let first = message.voice ? await sendVoice(to, message.voice, message.replyTo) : undefined;
    for (const [i, part] of parts.entries()) {
      const buttons = i === parts.length - 1 ? (message.buttons ?? []).filter((b) => !b.url).slice(0, 3) : [];
      const context = i === 0 && !first && message.replyTo ? { context: { message_id: message.replyTo } } : {};
      const payload = buttons.length && part.length <= 1024
        ? { type: "interactive", interactive: { type: "button", body: { text: part }, action: { buttons: buttons.map((b) => ({ type: "reply", reply: { id: b.id.slice(0, 256), title: b.label.slice(0, 20) } })) } } }
        : { type: "text", text: { body: part, preview_url: false } };
      const id = await graph.message(to, { ...context, ...payload });
      first ??= id;
    }
    return { externalId: first ?? "" };
  }

  /** Upload, then an audio message; undefined (logged) on any failure: the text still goes out. */
  async function sendVoice(to: string, voice: NonNullable<OutboundText["voice"]>, replyTo?: string): Promise<string | undefined> {
    try {
      const id = await graph.upload(voice.bytes, voice.mime, "reply.ogg");
      return await graph.message(to, { ...(replyTo ? { context: { message_id: replyTo } } : {}), type: "audio", audio: { id } });
    } catch (e) {
      log.warn({ error: e instanceof Error ? e.message : String(e), channel: def.channelId }, "whatsapp: voice reply not sent; the text goes out alone");
      return undefined;
    }
  }

  return {
    capabilities: { threads: false, buttons: true, files: true, edits: false, typing: true, maxMessageLength: MAX_MESSAGE_LENGTH },
    async start(s2) {
      sink = s2;
      if (!appSecret) log.error("whatsapp connection without app_secret: every webhook delivery will be refused");
      if (!ctx.webhookUrl) log.warn("whatsapp: no server.public_url; Meta cannot reach /hooks/whatsapp/…");
    },
    async stop() {
      sink = undefined;
    },
    send,
    async typing(chatKey) {
      const last = lastInbound.get(chatKey);
      if (last) await graph.markRead(last.messageId, true);
    },
    download: (attachment, maxBytes, signal) => graph.download(attachment.ref, maxBytes, signal),
    handleHttp,
  };
}

async function readBody(request: Request): Promise<Uint8Array | null> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return null;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body ?? []) {
    total += chunk.byteLength;
    if (total > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function refuse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
