/**
 * Files a visitor attaches to a widget message: `files: [{ name, data }]` (data base64) in the same
 * text/plain JSON body, so the upload needs no preflight either. Bounded before anything is decoded
 * (count, base64 length), each judged by its bytes like a file sent on any channel (media/admit.ts:
 * sniffed type, per-kind limits), all admitted before any is kept — a refused file is a clear error
 * and leaves nothing stored. Admitted files are kept in the tenant's attachment store at once, under
 * the visitor's id and the widget's channel, and handed to the pipeline as `stored` attachments: the
 * turn reads them from there (media/prepare.ts) exactly as it reads a downloaded one.
 */
import type { Attachment } from "../channels/types.ts";
import type { Config } from "../config/schema.ts";
import type { AttachmentStore } from "../media/attachments.ts";
import { admit, type MediaKind } from "../media/admit.ts";
import { limitsOf } from "../media/prepare.ts";
import { MAX_BODY_BYTES, WidgetError } from "./http.ts";

const MB = 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The largest body a message with files may have: the text's room plus each file as base64. */
export const maxMessageBody = (w: Config["widget"]) => MAX_BODY_BYTES + w.max_files * Math.ceil((w.max_file_mb * MB * 4) / 3);

export async function acceptFiles(config: Config, store: AttachmentStore | null, at: { tenantId: string; channelId: string; userKey: string }, raw: unknown): Promise<Attachment[]> {
  if (raw === undefined) return [];
  const w = config.widget;
  if (!Array.isArray(raw)) throw new WidgetError(400, "bad_request", "files: a list of { name, data }");
  if (raw.length > w.max_files) throw new WidgetError(413, "too_many_files", w.max_files ? `Please attach at most ${w.max_files} files to one message.` : "This chat does not accept files.");
  if (!raw.length) return [];
  if (!store) throw new WidgetError(503, "unavailable", "starting; try again in a moment");
  const admitted: { name: string; mime: string; kind: MediaKind; bytes: Uint8Array }[] = [];
  for (const f of raw as { name?: unknown; data?: unknown }[]) {
    const name = typeof f?.name === "string" ? f.name.replace(/[\u0000-\u001f]/g, "").slice(0, 255).trim() || "file" : "file";
    if (typeof f?.data !== "string" || !BASE64.test(f.data)) throw new WidgetError(400, "bad_request", `files: "${name}" must be sent as base64`);
    if (f.data.length > Math.ceil((w.max_file_mb * MB * 4) / 3)) throw new WidgetError(413, "too_large", `"${name}" is larger than ${w.max_file_mb} MB.`);
    const bytes = new Uint8Array(Buffer.from(f.data, "base64"));
    if (!bytes.byteLength) throw new WidgetError(400, "bad_request", `"${name}" is empty.`);
    const verdict = await admit(name, bytes, limitsOf(config.media));
    if (!verdict.ok) throw new WidgetError(verdict.reason === "too_large" ? 413 : 415, verdict.reason === "too_large" ? "too_large" : "unsupported_type", verdict.message);
    admitted.push({ name, mime: verdict.mime, kind: verdict.kind, bytes });
  }
  const out: Attachment[] = [];
  for (const a of admitted) {
    const row = await store.keep(at.tenantId, { name: a.name, mime: a.mime, kind: a.kind, channelId: at.channelId, userKey: at.userKey }, a.bytes);
    out.push({ name: row.name, mime: row.mime, size: row.sizeBytes, ref: row.id, stored: true });
  }
  return out;
}
