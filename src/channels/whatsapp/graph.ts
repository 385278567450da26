/**
 * A minimal Graph API client for one phone number: messages, read/typing, media (download, upload).
 *
 * Invariants: every call goes through the connection's SSRF-guarded fetch with a timeout; the
 * bearer token is sent only to the Graph host and to media URLs Graph itself returned; responses
 * are read bounded (media by maxBytes, JSON by 1 MB); errors carry no token.
 */
import { networkDoubt, SendError } from "../port.ts";
import { graphError, redact } from "./errors.ts";

const JSON_LIMIT = 1 << 20;
const TIMEOUT_MS = 30_000;

export interface GraphOptions {
  baseUrl: string;
  version: string;
  phoneNumberId: string;
  token: string;
  fetch: typeof fetch;
}

export class Graph {
  constructor(private readonly o: GraphOptions) {}

  private url(path: string): string {
    return `${this.o.baseUrl.replace(/\/+$/, "")}/${this.o.version}/${path}`;
  }

  /** `posts`: the call puts a message in a chat, so a failure after the request left may have posted it. */
  private async call(method: string, url: string, body?: unknown, signal?: AbortSignal, posts = false): Promise<any> {
    let res: Response;
    try {
      res = await this.o.fetch(url, {
        method,
        // FormData sets its own multipart content type (with the boundary).
        headers: { authorization: `Bearer ${this.o.token}`, ...(body && !(body instanceof FormData) ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new SendError(redact(`whatsapp: network: ${e instanceof Error ? e.message : String(e)}`, this.o.token), true, undefined, posts ? networkDoubt(e) : undefined);
    }
    const text = new TextDecoder().decode(await readBounded(res, JSON_LIMIT));
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {}
    if (!res.ok) throw graphError(res.status, json, this.o.token);
    return json;
  }

  /** Sends one message object (text, interactive, template); returns its wamid. */
  async message(to: string, payload: Record<string, unknown>): Promise<string> {
    const r = await this.call("POST", this.url(`${this.o.phoneNumberId}/messages`), { messaging_product: "whatsapp", recipient_type: "individual", to, ...payload }, undefined, true);
    const id = r?.messages?.[0]?.id;
    if (typeof id !== "string") throw new SendError("whatsapp: no message id in the response", false);
    return id;
  }

  /** Uploads a file for sending (multipart `POST /{phone-number-id}/media`); returns the media id. */
  async upload(bytes: Uint8Array, mime: string, name: string): Promise<string> {
    const form = new FormData();
    form.set("messaging_product", "whatsapp");
    form.set("type", mime);
    form.set("file", new Blob([bytes], { type: mime }), name);
    const r = await this.call("POST", this.url(`${this.o.phoneNumberId}/media`), form);
    if (typeof r?.id !== "string") throw new SendError("whatsapp: no media id in the upload response", false);
    return r.id;
  }

  /** Marks an inbound message read and, optionally, shows the typing indicator (up to 25 s). */
  async markRead(messageId: string, typing: boolean): Promise<void> {
    await this.call("POST", this.url(`${this.o.phoneNumberId}/messages`), { messaging_product: "whatsapp", status: "read", message_id: messageId, ...(typing ? { typing_indicator: { type: "text" } } : {}) });
  }

  /** The phone number's own record (Test connection). */
  async phoneNumber(): Promise<{ display_phone_number?: string; verified_name?: string }> {
    return this.call("GET", this.url(this.o.phoneNumberId));
  }

  /** media id → media URL → bytes, refusing more than maxBytes. */
  async download(mediaId: string, maxBytes: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; mime?: string }> {
    if (!/^[\w.-]{1,128}$/.test(mediaId)) throw new SendError("whatsapp: malformed media id", false);
    const meta = await this.call("GET", this.url(mediaId), undefined, signal);
    if (typeof meta?.url !== "string") throw new SendError("whatsapp: no media URL", false);
    if (Number(meta.file_size) > maxBytes) throw new SendError(`whatsapp: attachment larger than ${maxBytes} bytes`, false);
    const res = await this.o.fetch(meta.url, { headers: { authorization: `Bearer ${this.o.token}` }, signal: signal ?? AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new SendError(`whatsapp: media download failed (${res.status})`, res.status >= 500);
    const bytes = await readBounded(res, maxBytes);
    return { bytes, ...(meta.mime_type ? { mime: String(meta.mime_type) } : {}) };
  }
}

async function readBounded(res: Response, max: number): Promise<Uint8Array> {
  if (Number(res.headers.get("content-length") ?? 0) > max) throw new SendError(`whatsapp: response larger than ${max} bytes`, false);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += chunk.byteLength;
    if (total > max) throw new SendError(`whatsapp: response larger than ${max} bytes`, false);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
