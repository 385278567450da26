/**
 * Files a visitor attaches to a widget message: `files: [{ name, data }]` (data base64) in the same
 * text/plain JSON body, so the upload needs no preflight either. Bounded before anything is decoded
 * (count, base64 length), then judged and kept like every upload (media/uploads.ts): all admitted
 * before any is kept, so a refused file is this request's clear error and leaves nothing stored.
 */
import type { Attachment } from "../channels/types.ts";
import type { Config } from "../config/schema.ts";
import type { AttachmentStore } from "../media/attachments.ts";
import { limitsOf } from "../media/prepare.ts";
import { keepUploads, type Uploaded } from "../media/uploads.ts";
import { MAX_BODY_BYTES, WidgetError } from "./http.ts";

const MB = 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const base64Length = (mb: number) => Math.ceil((mb * MB * 4) / 3);

/** The largest body a message with files may have: the text's room plus each file as base64. */
export const maxMessageBody = (w: Config["widget"]) => MAX_BODY_BYTES + w.max_files * base64Length(w.max_file_mb);

export async function acceptFiles(config: Config, store: AttachmentStore | null, at: { tenantId: string; channelId: string; userKey: string }, raw: unknown): Promise<Attachment[]> {
  if (raw === undefined) return [];
  const w = config.widget;
  if (!Array.isArray(raw)) throw new WidgetError(400, "bad_request", "files: a list of { name, data }");
  if (raw.length > w.max_files) throw new WidgetError(413, "too_many_files", w.max_files ? `Please attach at most ${w.max_files} files to one message.` : "This chat does not accept files.");
  if (!raw.length) return [];
  if (!store) throw new WidgetError(503, "unavailable", "starting; try again in a moment");
  const files: Uploaded[] = [];
  for (const f of raw as { name?: unknown; data?: unknown }[]) {
    const name = typeof f?.name === "string" ? f.name.slice(0, 255) : "file";
    if (typeof f?.data !== "string" || !BASE64.test(f.data)) throw new WidgetError(400, "bad_request", `files: "${name}" must be sent as base64`);
    if (f.data.length > base64Length(w.max_file_mb)) throw new WidgetError(413, "too_large", `"${name}" is larger than ${w.max_file_mb} MB.`);
    const bytes = new Uint8Array(Buffer.from(f.data, "base64"));
    if (!bytes.byteLength) throw new WidgetError(400, "bad_request", `"${name}" is empty.`);
    files.push({ name, bytes });
  }
  const kept = await keepUploads(limitsOf(config.media), store, at, files);
  if (!kept.ok) throw new WidgetError(kept.reason === "too_large" ? 413 : 415, kept.reason === "too_large" ? "too_large" : "unsupported_type", kept.message);
  return kept.attachments;
}
