/**
 * A fake WhatsApp Business Cloud API (Graph) for tests, written from Meta's reference:
 *  - POST /{version}/{phone-number-id}/messages: text, interactive (button ≤ 3, title ≤ 20, body ≤ 1024),
 *    template, and `status: "read"` (+ typing_indicator) → `{messaging_product, contacts, messages:[{id}]}`
 *    or `{success:true}`; wrong bearer token → 401 (#190); unknown phone number id → 400 (#100);
 *    text body 1..4096 else 400 (#100).
 *  - GET /{version}/{media-id} → `{messaging_product, url, mime_type, sha256, file_size, id}`; the media URL
 *    answers only with the bearer token (401 without).
 *  - POST /{version}/{phone-number-id}/media (multipart: messaging_product, type, file) → `{id}`; types and
 *    size limits as Meta lists them (else #131053); audio/image/document messages must name such an id
 *    (of the same token) or a link.
 *  - Error bodies `{error:{message,type,code,error_subcode,fbtrace_id}}`; failNext(code) makes the next
 *    send fail with that code (131047 re-engagement, 130429 rate limit, 131026 undeliverable…).
 *  - Webhook deliveries (`userSends`, `statusOf`) shaped `{object, entry[].changes[].value.{metadata,
 *    contacts, messages|statuses}}`, signed `X-Hub-Signature-256` with the app secret, POSTed to the
 *    configured webhook URL; `deliver` re-posts any raw body (retries, forgeries).
 * Deviations: one fake serves any number of phone numbers, each with its own token; no pricing or
 * conversation objects in statuses; media is kept in memory.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";

export interface FakeNumber {
  phoneNumberId: string;
  token: string;
  appSecret: string;
  /** Where deliveries go: a URL, or a handler (an app without a listening port, e.g. `app.http.handle`). */
  webhookUrl: string | ((request: Request) => Promise<Response> | Response);
  displayPhone?: string;
}

export interface SentMessage {
  phoneNumberId: string;
  to: string;
  id: string;
  body: Record<string, any>;
  /** When the fake accepted it (performance.now() of the test process): for latency figures. */
  at: number;
}

export interface WhatsAppFake {
  url: string;
  version: string;
  sent: SentMessage[];
  reads: { phoneNumberId: string; messageId: string; typing: boolean }[];
  /** Files uploaded through POST /{phone-number-id}/media (a reply's voice note), oldest first. */
  uploads: { phoneNumberId: string; id: string; mime: string; bytes: Uint8Array }[];
  addNumber(n: FakeNumber): void;
  addMedia(bytes: Uint8Array, mime: string, token: string): string;
  failNext(code: number, status?: number): void;
  userSends(phoneNumberId: string, from: string, message: Record<string, unknown>, name?: string): Promise<{ id: string; status: number; body: string }>;
  statusOf(phoneNumberId: string, wamid: string, status: string, recipient: string, error?: { code: number; title: string }): Promise<number>;
  deliver(url: FakeNumber["webhookUrl"], body: string, signature?: string | null): Promise<Response>;
  /** Waits until `count` messages were sent to `to` from this phone number id. */
  waitForSent(phoneNumberId: string, to: string, count: number, timeoutMs?: number): Promise<SentMessage[]>;
  payload(phoneNumberId: string, value: Record<string, unknown>): string;
  stop(): Promise<void>;
}

const wamid = () => `wamid.${randomBytes(18).toString("base64url")}`;
const gError = (status: number, code: number, message: string, type = "OAuthException") =>
  Response.json({ error: { message, type, code, error_subcode: code === 131047 ? 2388012 : undefined, fbtrace_id: randomBytes(8).toString("hex") } }, { status });

export async function startWhatsAppFake(version = "v21.0"): Promise<WhatsAppFake> {
  const numbers = new Map<string, FakeNumber>();
  const media = new Map<string, { bytes: Uint8Array; mime: string; token: string }>();
  const sent: SentMessage[] = [];
  const uploads: WhatsAppFake["uploads"] = [];
  const reads: WhatsAppFake["reads"] = [];
  let failure: { code: number; status: number } | null = null;

  const server: ReturnType<typeof Bun.serve> = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req): Promise<Response> {
      const url = new URL(req.url);
      const bearer = req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
      const file = /^\/files\/([\w-]+)$/.exec(url.pathname);
      if (file) {
        const m = media.get(file[1]!);
        if (!m) return new Response("not found", { status: 404 });
        if (bearer !== m.token) return new Response("unauthorized", { status: 401 });
        return new Response(m.bytes, { headers: { "content-type": m.mime } });
      }
      const [, v, id, edge] = url.pathname.split("/");
      if (v !== version) return gError(400, 2635, `Unknown API version ${v}`);
      const tokenOk = [...numbers.values()].some((n) => n.token === bearer);
      if (!tokenOk) return gError(401, 190, "Invalid OAuth access token - Cannot parse access token");
      if (req.method === "GET" && !edge) {
        const m = media.get(id!);
        if (m) {
          if (m.token !== bearer) return gError(400, 100, "Unsupported get request.", "GraphMethodException");
          return Response.json({ messaging_product: "whatsapp", url: `${server.url.origin}/files/${id}`, mime_type: m.mime, sha256: createHash("sha256").update(m.bytes).digest("hex"), file_size: m.bytes.byteLength, id });
        }
        const n = numbers.get(id!);
        if (n && n.token === bearer) return Response.json({ id, display_phone_number: n.displayPhone ?? "+1 555 0100", verified_name: "Fake Business", quality_rating: "GREEN" });
        return gError(400, 100, "Unsupported get request.", "GraphMethodException");
      }
      if (req.method === "POST" && edge === "media") return upload(id!, bearer, req);
      if (req.method !== "POST" || edge !== "messages") return gError(400, 100, "Unsupported request", "GraphMethodException");
      const n = numbers.get(id!);
      if (!n || n.token !== bearer) return gError(400, 100, "Unsupported post request. Object with ID does not exist", "GraphMethodException");
      const body = (await req.json()) as Record<string, any>;
      if (body.messaging_product !== "whatsapp") return gError(400, 100, "(#100) The parameter messaging_product is required.");
      if (body.status === "read") {
        reads.push({ phoneNumberId: n.phoneNumberId, messageId: String(body.message_id), typing: body.typing_indicator?.type === "text" });
        return Response.json({ success: true });
      }
      if (failure) {
        const f = failure;
        failure = null;
        const messages: Record<number, string> = { 131047: "Re-engagement message", 130429: "Rate limit hit", 131026: "Message Undeliverable" };
        return gError(f.status, f.code, `(#${f.code}) ${messages[f.code] ?? "Error"}`);
      }
      const err = validate(body) ?? mediaRef(body, bearer);
      if (err) return gError(400, 100, `(#100) ${err}`);
      const out = { phoneNumberId: n.phoneNumberId, to: String(body.to), id: wamid(), body, at: performance.now() };
      sent.push(out);
      return Response.json({ messaging_product: "whatsapp", contacts: [{ input: out.to, wa_id: out.to }], messages: [{ id: out.id }] });
    },
  });

  /** Media upload as Meta documents it: multipart, messaging_product, a supported type, its size limit. */
  async function upload(phoneNumberId: string, bearer: string, req: Request): Promise<Response> {
    const n = numbers.get(phoneNumberId);
    if (!n || n.token !== bearer) return gError(400, 100, "Unsupported post request. Object with ID does not exist", "GraphMethodException");
    if (!(req.headers.get("content-type") ?? "").startsWith("multipart/form-data")) return gError(400, 100, "(#100) The parameter file is required.");
    const form = await req.formData();
    if (form.get("messaging_product") !== "whatsapp") return gError(400, 100, "(#100) The parameter messaging_product is required.");
    const file = form.get("file");
    if (!(file instanceof Blob)) return gError(400, 100, "(#100) The parameter file is required.");
    const type = String(form.get("type") ?? file.type).split(";")[0]!.trim();
    const limit = UPLOAD_LIMITS[type];
    if (!limit) return gError(400, 131053, `(#131053) Media upload error: unsupported type ${type}`);
    if (file.size > limit) return gError(400, 131053, "(#131053) Media upload error: file too large");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const mediaId = String(1e15 + media.size);
    media.set(mediaId, { bytes, mime: type, token: bearer });
    uploads.push({ phoneNumberId, id: mediaId, mime: type, bytes });
    return Response.json({ id: mediaId });
  }

  /** An audio/image/document message names uploaded media by id (of this token) or a link. */
  function mediaRef(body: Record<string, any>, bearer: string): string | null {
    const ref = ["audio", "image", "document"].includes(body.type) ? body[body.type] : null;
    if (!ref) return null;
    if (ref.link) return null;
    const m = media.get(String(ref.id ?? ""));
    return m && m.token === bearer ? null : `Param ${body.type}['id'] is not a valid media id`;
  }

  const payload = (phoneNumberId: string, value: Record<string, unknown>) =>
    JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "WABA_ID", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550100", phone_number_id: phoneNumberId }, ...value } }] }] });
  const deliver = async (url: FakeNumber["webhookUrl"], body: string, signature?: string | null) => {
    const init = { method: "POST", headers: { "content-type": "application/json", ...(signature ? { "x-hub-signature-256": signature } : {}) }, body };
    return typeof url === "string" ? fetch(url, init) : url(new Request("http://konstruct.test/hooks/whatsapp", init));
  };
  const sign = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

  return {
    url: server.url.origin,
    version,
    sent,
    reads,
    uploads,
    addNumber: (n) => void numbers.set(n.phoneNumberId, n),
    addMedia(bytes, mime, token) {
      const id = String(1e15 + media.size);
      media.set(id, { bytes, mime, token });
      return id;
    },
    failNext: (code, status = code === 130429 ? 429 : 400) => void (failure = { code, status }),
    async userSends(phoneNumberId, from, message, name = "User") {
      const n = numbers.get(phoneNumberId)!;
      const id = wamid();
      const body = payload(phoneNumberId, { contacts: [{ profile: { name }, wa_id: from }], messages: [{ from, id, timestamp: String(Math.floor(Date.now() / 1000)), ...message }] });
      const res = await deliver(n.webhookUrl, body, sign(n.appSecret, body));
      return { id, status: res.status, body };
    },
    async statusOf(phoneNumberId, id, status, recipient, error) {
      const n = numbers.get(phoneNumberId)!;
      const body = payload(phoneNumberId, { statuses: [{ id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient, ...(error ? { errors: [error] } : {}) }] });
      return (await deliver(n.webhookUrl, body, sign(n.appSecret, body))).status;
    },
    deliver,
    payload,
    async waitForSent(phoneNumberId, to, count, timeoutMs = 15_000) {
      const mine = () => sent.filter((m) => m.phoneNumberId === phoneNumberId && m.to === to);
      for (const end = Date.now() + timeoutMs; mine().length < count; await Bun.sleep(25))
        if (Date.now() > end) throw new Error(`whatsapp fake: ${mine().length}/${count} messages to ${to} within ${timeoutMs} ms`);
      return mine();
    },
    stop: async () => void (await server.stop(true)),
  };
}

export const signWebhook = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

/** Meta's upload limits for the types the fake accepts (audio 16 MB, images 5 MB, documents 100 MB). */
const UPLOAD_LIMITS: Record<string, number> = {
  "audio/aac": 16 << 20, "audio/amr": 16 << 20, "audio/mpeg": 16 << 20, "audio/mp4": 16 << 20, "audio/ogg": 16 << 20,
  "image/jpeg": 5 << 20, "image/png": 5 << 20,
  "application/pdf": 100 << 20, "text/plain": 100 << 20,
};

function validate(b: Record<string, any>): string | null {
  if (typeof b.to !== "string" || !/^\d{6,15}$/.test(b.to)) return "Invalid parameter: to";
  if (b.type === "text") {
    const len = String(b.text?.body ?? "").length;
    return len >= 1 && len <= 4096 ? null : "Param text['body'] must be 1..4096 characters";
  }
  if (b.type === "interactive") {
    const i = b.interactive;
    if (i?.type !== "button") return "Unsupported interactive type";
    const buttons = i.action?.buttons ?? [];
    if (buttons.length < 1 || buttons.length > 3) return "Param interactive['action']['buttons'] must have 1..3 items";
    if (buttons.some((x: any) => !x.reply?.id || !x.reply?.title || x.reply.title.length > 20)) return "Button title length invalid. Should be between 1 and 20 characters";
    const len = String(i.body?.text ?? "").length;
    return len >= 1 && len <= 1024 ? null : "Param interactive['body']['text'] must be 1..1024 characters";
  }
  if (["audio", "image", "document"].includes(b.type)) return b[b.type]?.id || b[b.type]?.link ? null : `Param ${b.type} must have an id or a link`;
  if (b.type === "template") return b.template?.name && b.template?.language?.code ? null : "Template name and language are required";
  return `Unsupported message type ${String(b.type)}`;
}
