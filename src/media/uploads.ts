/**
 * Files uploaded straight to the appliance (the website widget, the console's web chat) rather than
 * fetched from a channel: every one judged by its bytes first (admit.ts: sniffed type, per-kind
 * limits) and only if all pass kept in the tenant's store under the sender — so a refusal leaves
 * nothing stored. They reach the pipeline as `stored` attachments (ref = row id): the turn reads them
 * from the store (prepare.ts) and ties them to its event, exactly as it keeps a downloaded file.
 */
import type { Attachment } from "../channels/types.ts";
import type { AttachmentStore } from "./attachments.ts";
import { admit, type MediaKind, type MediaLimits } from "./admit.ts";

export interface Uploaded {
  name: string;
  bytes: Uint8Array;
}

export type UploadOutcome = { ok: true; attachments: Attachment[] } | { ok: false; reason: "refused_type" | "too_large"; message: string };

export async function keepUploads(limits: MediaLimits, store: AttachmentStore, at: { tenantId: string; channelId: string; userKey: string }, files: Uploaded[]): Promise<UploadOutcome> {
  const admitted: { name: string; mime: string; kind: MediaKind; bytes: Uint8Array }[] = [];
  for (const f of files) {
    const name = f.name.replace(/[\u0000-\u001f]/g, "").slice(0, 255).trim() || "file";
    const verdict = await admit(name, f.bytes, limits);
    if (!verdict.ok) return verdict;
    admitted.push({ name, mime: verdict.mime, kind: verdict.kind, bytes: f.bytes });
  }
  const attachments: Attachment[] = [];
  for (const a of admitted) {
    const row = await store.keep(at.tenantId, { name: a.name, mime: a.mime, kind: a.kind, channelId: at.channelId, userKey: at.userKey }, a.bytes);
    attachments.push({ name: row.name, mime: row.mime, size: row.sizeBytes, ref: row.id, stored: true });
  }
  return { ok: true, attachments };
}
