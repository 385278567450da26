/**
 * The tenant's record of what people sent: the blob first (by hash, so a retry or a resend stores
 * nothing twice), then the row under `withTenant` (FORCE RLS: another tenant's rows are invisible,
 * so `open` of another tenant's attachment id is simply not found). Rows and blobs leave together
 * through `forget` (retention) or `dropRows` + `dropBlobs` (erasure, inside its transaction): a blob goes
 * only when nothing of the tenant still names it (refs.ts: attachment rows, knowledge-base originals).
 */
import { and, eq, inArray, isNull, type SQL } from "drizzle-orm";
import type { Database, Tx } from "../db/database.ts";
import { type AttachmentRow, attachments } from "../db/schema/index.ts";
import type { MediaKind } from "./admit.ts";
import { unnamed } from "./refs.ts";
import { type BlobStore, sha256Sliced } from "./store.ts";

export interface Sent {
  name: string;
  mime: string;
  kind: MediaKind;
  channelId?: string;
  inboundEventId?: string;
  userKey?: string;
}

export class AttachmentStore {
  constructor(
    private readonly db: Database,
    readonly blobs: BlobStore,
  ) {}

  async keep(tenantId: string, sent: Sent, bytes: Uint8Array): Promise<AttachmentRow> {
    const sha256 = await sha256Sliced(bytes);
    await this.blobs.put(tenantId, sha256, bytes);
    // The name is display text only (never a path); bounded like the column.
    const name = sent.name.replace(/[\u0000-\u001f]/g, "").slice(0, 255) || "file";
    const [row] = await this.db.withTenant(tenantId, (tx) =>
      tx.insert(attachments).values({ tenantId, sha256, mime: sent.mime, kind: sent.kind, name, sizeBytes: bytes.byteLength, channelId: sent.channelId, inboundEventId: sent.inboundEventId, userKey: sent.userKey ?? "" }).returning(),
    );
    return row!;
  }

  /** The row and its bytes, or null when the tenant has no such attachment (or its blob is gone). */
  async open(tenantId: string, id: string): Promise<{ row: AttachmentRow; bytes: Uint8Array } | null> {
    const [row] = await this.db.withTenant(tenantId, (tx) => tx.select().from(attachments).where(and(eq(attachments.tenantId, tenantId), eq(attachments.id, id))));
    if (!row) return null;
    const bytes = await this.blobs.get(tenantId, row.sha256);
    return bytes ? { row, bytes } : null;
  }

  /**
   * A file `userKey` uploaded (widget, web chat) that no other event has claimed (a recovered turn
   * reads its own event's again); null for anyone else's.
   */
  async openOwn(tenantId: string, id: string, userKey: string, inboundEventId: string): Promise<{ row: AttachmentRow; bytes: Uint8Array } | null> {
    const found = await this.open(tenantId, id);
    const free = found && (found.row.inboundEventId === null || found.row.inboundEventId === inboundEventId);
    return free && found.row.userKey === userKey ? found : null;
  }

  /** Ties an uploaded file to the event that carried it (the transcript lists it with that message); once. */
  async claim(tenantId: string, id: string, inboundEventId: string): Promise<void> {
    await this.db.withTenant(tenantId, (tx) => tx.update(attachments).set({ inboundEventId }).where(and(eq(attachments.tenantId, tenantId), eq(attachments.id, id), isNull(attachments.inboundEventId))));
  }

  async ofEvents(tenantId: string, eventIds: string[]): Promise<AttachmentRow[]> {
    if (!eventIds.length) return [];
    return this.db.withTenant(tenantId, (tx) => tx.select().from(attachments).where(and(eq(attachments.tenantId, tenantId), inArray(attachments.inboundEventId, eventIds))));
  }

  /** Deletes rows by id and then every blob of theirs that nothing still names (refs.ts); returns rows deleted. */
  async forget(tenantId: string, ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const { gone, orphaned } = await this.db.withTenant(tenantId, (tx) => dropRows(tx, tenantId, inArray(attachments.id, ids)));
    await this.dropBlobs(tenantId, orphaned);
    return gone;
  }

  /** After the commit of a transaction that deleted rows (dropRows): a crash here leaves an unnamed blob, never a row without bytes. */
  async dropBlobs(tenantId: string, hashes: string[]): Promise<void> {
    for (const h of hashes) await this.blobs.delete(tenantId, h);
  }
}

/** Deletes the tenant's attachment rows matching `where` in `tx`; returns how many and the hashes nothing names any more. */
export async function dropRows(tx: Tx, tenantId: string, where: SQL | undefined): Promise<{ gone: number; orphaned: string[] }> {
  const rows = await tx.delete(attachments).where(and(eq(attachments.tenantId, tenantId), where)).returning({ sha256: attachments.sha256 });
  return { gone: rows.length, orphaned: await unnamed(tx, tenantId, rows.map((r) => r.sha256)) };
}
