/**
 * Cloud API webhook payload → InboundMessage. One delivery may carry several messages and statuses
 * (`entry[].changes[].value`); each message becomes one InboundMessage keyed by its `wamid` (Meta
 * retries deliveries, the inbox drops the repeat). Statuses are returned separately, to be recorded
 * against outbox rows. Only changes for our own phone number id are taken: a change addressed to
 * another number is reported as foreign, never routed here.
 */
import type { Attachment, InboundMessage } from "../types.ts";

export interface WaStatus {
  id: string;
  status: "sent" | "delivered" | "read" | "failed" | string;
  recipient: string;
  timestamp: string;
  error?: { code: number; title?: string };
}

export interface Normalized {
  messages: InboundMessage[];
  statuses: WaStatus[];
  /** Phone number ids the payload addressed that are not this connection's. */
  foreign: string[];
}

type Obj = Record<string, any>;

export function normalizePayload(payload: unknown, phoneNumberId: string): Normalized {
  const out: Normalized = { messages: [], statuses: [], foreign: [] };
  const p = payload as Obj;
  if (p?.object !== "whatsapp_business_account" || !Array.isArray(p.entry)) throw new Error("not a WhatsApp Business webhook");
  for (const entry of p.entry.slice(0, 100)) {
    for (const change of Array.isArray(entry?.changes) ? entry.changes.slice(0, 100) : []) {
      const value = change?.value as Obj | undefined;
      if (change?.field !== "messages" || !value) continue;
      const to = String(value.metadata?.phone_number_id ?? "");
      if (to !== phoneNumberId) {
        out.foreign.push(to);
        continue;
      }
      const names = new Map<string, string>((value.contacts ?? []).map((c: Obj) => [String(c.wa_id), String(c.profile?.name ?? "")]));
      for (const m of (value.messages ?? []).slice(0, 100)) {
        const message = normalizeMessage(m, names, p);
        if (message) out.messages.push(message);
      }
      for (const s of (value.statuses ?? []).slice(0, 100)) {
        if (typeof s?.id === "string") out.statuses.push({ id: s.id, status: String(s.status), recipient: String(s.recipient_id ?? ""), timestamp: String(s.timestamp ?? ""), ...(s.errors?.[0] ? { error: { code: Number(s.errors[0].code), title: s.errors[0].title } } : {}) });
      }
    }
  }
  return out;
}

function normalizeMessage(m: Obj, names: Map<string, string>, raw: unknown): InboundMessage | null {
  if (typeof m?.id !== "string" || typeof m.from !== "string") return null;
  const attachments: Attachment[] = [];
  let text = "";
  let action: InboundMessage["action"];
  const media = (kind: string, fallback: string) => {
    const x = m[kind] as Obj | undefined;
    if (x?.id) attachments.push({ name: String(x.filename ?? fallback), ref: String(x.id), ...(x.mime_type ? { mime: String(x.mime_type) } : {}) });
    text = String(x?.caption ?? "");
  };
  switch (m.type) {
    case "text": text = String(m.text?.body ?? ""); break;
    case "image": media("image", "image.jpg"); break;
    case "document": media("document", "document"); break;
    case "audio": media("audio", m.audio?.voice ? "voice.ogg" : "audio.ogg"); break;
    case "video": media("video", "video.mp4"); break;
    case "sticker": media("sticker", "sticker.webp"); break;
    case "location": {
      const l = m.location ?? {};
      text = `[location] ${[l.name, l.address].filter(Boolean).join(", ")} (${l.latitude}, ${l.longitude})`.replace("]  (", "] (");
      break;
    }
    case "interactive": {
      const r = m.interactive?.button_reply ?? m.interactive?.list_reply;
      if (!r?.id) return null;
      text = String(r.title ?? "");
      action = { id: String(r.id), ...(m.context?.id ? { messageId: String(m.context.id) } : {}) };
      break;
    }
    case "button": text = String(m.button?.text ?? ""); break; // a template's quick-reply
    case "reaction": return null; // an emoji on an earlier message: nothing to answer
    default: text = `[unsupported message type: ${String(m.type).slice(0, 40)}]`;
  }
  const ts = Number(m.timestamp);
  return {
    eventKey: m.id,
    chatKey: m.from,
    replyTo: m.id,
    sender: { id: m.from, ...(names.get(m.from) ? { name: names.get(m.from) } : {}) },
    text,
    attachments,
    ...(action ? { action } : {}),
    receivedAt: new Date(Number.isFinite(ts) && ts > 0 ? ts * 1000 : Date.now()).toISOString(),
    raw,
  };
}
