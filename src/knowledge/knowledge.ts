/**
 * The knowledge base of each tenant: upload (extract → chunk → store; embedding follows in the
 * background, embed-jobs.ts), list with progress, delete, and hybrid search (search.ts). Everything
 * runs inside Database.withTenant(), so RLS keeps tenants apart.
 */
import { createHash } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { kbDocuments, type KbDocument } from "../db/schema/index.ts";
import { recordset, rowsOf } from "../db/set-sql.ts";
import { KonstructError } from "../errors.ts";
import { chunkMarkdown } from "./chunk.ts";
import { extractInWorker } from "./extract-client.ts";

/** Larger uploads are refused (413) before anything is parsed. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export interface Upload {
  filename: string;
  mime: string;
  bytes: Uint8Array;
}

export type DocumentView = Omit<KbDocument, "body" | "tenantId"> & { progress: number };

export class Knowledge {
  constructor(
    private readonly db: Database,
    /** Called after new chunks are stored, so the embedding job starts at once. */
    private readonly nudge: () => void = () => {},
  ) {}

  /** Stores a document and its chunks (not yet embedded). The same content again is a no-op. */
  async upload(tenantId: string, file: Upload): Promise<{ document: DocumentView; duplicate: boolean }> {
    if (file.bytes.byteLength > MAX_UPLOAD_BYTES) throw new KonstructError("too_large", `'${file.filename}' is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
    const doc = await extractInWorker(file.bytes, file.filename, file.mime);
    const hash = createHash("sha256").update(doc.text).digest("hex");
    const chunks = chunkMarkdown(doc.text);
    const out = await this.db.withTenant(tenantId, async (tx) => {
      const [created] = await tx
        .insert(kbDocuments)
        .values({ tenantId, title: doc.title, filename: file.filename, mime: file.mime || doc.format, contentHash: hash, bytes: file.bytes.byteLength, body: doc.text, status: chunks.length ? "queued" : "ready", chunksTotal: chunks.length })
        .onConflictDoNothing()
        .returning();
      if (!created) {
        const [existing] = await tx.select().from(kbDocuments).where(eq(kbDocuments.contentHash, hash));
        // Uploading a document that failed again is how an admin retries it (e.g. after fixing the model).
        if (existing!.status !== "failed") return { document: existing!, duplicate: true };
        const [retried] = await tx.update(kbDocuments).set({ status: "queued", error: null, updatedAt: sql`now()` }).where(eq(kbDocuments.id, existing!.id)).returning();
        return { document: retried!, duplicate: false, retried: true };
      }
      if (chunks.length)
        await rowsOf(
          tx,
          sql`insert into kb_chunks (tenant_id, id, document_id, seq, section, content)
              select ${tenantId}::uuid, gen_random_uuid(), ${created.id}::uuid, seq, section, content
              from ${recordset(chunks, "c", "seq int, section text, content text")}`,
        );
      return { document: created, duplicate: false };
    });
    if ("retried" in out) return (this.nudge(), { document: view(out.document), duplicate: false });
    if (!out.duplicate) this.nudge();
    return { document: view(out.document), duplicate: out.duplicate };
  }

  async list(tenantId: string): Promise<DocumentView[]> {
    const rows = await this.db.withTenant(tenantId, (tx) => tx.select().from(kbDocuments).orderBy(desc(kbDocuments.createdAt)));
    return rows.map(view);
  }

  async get(tenantId: string, id: string): Promise<DocumentView | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.withTenant(tenantId, (tx) => tx.select().from(kbDocuments).where(eq(kbDocuments.id, id)));
    return row ? view(row) : null;
  }

  /** Deletes the document and (by cascade) its chunks. */
  async remove(tenantId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const gone = await this.db.withTenant(tenantId, (tx) => tx.delete(kbDocuments).where(and(eq(kbDocuments.tenantId, tenantId), eq(kbDocuments.id, id))).returning({ id: kbDocuments.id }));
    return gone.length > 0;
  }
}

function view(d: KbDocument): DocumentView {
  const { body: _body, tenantId: _t, ...rest } = d;
  return { ...rest, progress: d.chunksTotal ? Math.round((100 * d.chunksDone) / d.chunksTotal) : 100 };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);
