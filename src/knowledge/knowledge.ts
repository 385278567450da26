/**
 * The knowledge base of each tenant: upload (extract and chunk in a child process, store in bounded
 * batches; embedding follows in the background, embed-jobs.ts), list with progress, delete, and hybrid search (search.ts). Everything
 * runs inside Database.withTenant(), so RLS keeps tenants apart.
 */
import { createHash } from "node:crypto";
import { and, desc, eq, getTableColumns, sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { kbChunks, kbDocuments, type KbDocument } from "../db/schema/index.ts";
import { recordset, rowsOf } from "../db/set-sql.ts";
import { KonstructError } from "../errors.ts";
import type { Config } from "../config/schema.ts";
import { type Chunk, chunkMarkdown } from "./chunk.ts";
import { type ChildLimits, type ExtractResult, extractInChild } from "./extract-child.ts";
import { DEFAULT_EXTRACT_LIMITS, formatOf } from "./extract.ts";
import { yieldToIo } from "./embed-jobs.ts";
import { normalizedText } from "./normalize.ts";
import { unnamed } from "../media/refs.ts";
import { type BlobStore, sha256Sliced } from "../media/store.ts";

export interface Upload {
  filename: string;
  mime: string;
  bytes: Uint8Array;
}

export type DocumentView = Omit<KbDocument, "body" | "tenantId"> & { progress: number };

export interface KnowledgeLimits extends ChildLimits {
  maxUploadBytes: number;
}

/** The bounds of config.knowledge, in the units the code uses. */
export function knowledgeLimits(k: Config["knowledge"]): KnowledgeLimits {
  return {
    maxUploadBytes: k.max_upload_mb * MB,
    timeoutMs: k.extract_timeout_ms,
    maxRssMb: k.extract_max_rss_mb,
    maxTextChars: k.max_text_chars,
    maxZipEntries: k.max_zip_entries,
    maxUnzippedBytes: k.max_unzipped_mb * MB,
    maxZipRatio: DEFAULT_EXTRACT_LIMITS.maxZipRatio,
    maxPdfPages: k.max_pdf_pages,
  };
}
const MB = 1024 * 1024;

/** Chunk rows per insert transaction: on PGlite each one holds the server's thread while it runs (~0.3–1 ms a row). */
const INSERT_BATCH = 40;

export class Knowledge {
  constructor(
    private readonly db: Database,
    /** Called after a document's chunks are stored (or a failed one is retried): queues its embedding job. */
    private readonly nudge: (tenantId: string, documentId: string) => Promise<void> | void = () => {},
    readonly limits: KnowledgeLimits = { ...DEFAULT_EXTRACT_LIMITS, maxUploadBytes: 25 * MB, timeoutMs: 60_000, maxRssMb: 512 },
    /** Where uploaded originals are kept (the tenant's attachment blobs), so a document can be extracted again; without it they are not kept. */
    private readonly originals?: BlobStore,
  ) {}

  /**
   * Stores a document and its chunks (not yet embedded). The same content again is a no-op. A file
   * its extraction refuses (too big unpacked, too long, too slow) is stored as a `failed` document
   * with the reason; an unsupported or unreadable one is refused (400) and leaves nothing behind.
   */
  async upload(tenantId: string, file: Upload): Promise<{ document: DocumentView; duplicate: boolean }> {
    const max = this.limits.maxUploadBytes;
    if (file.bytes.byteLength > max) throw new KonstructError("too_large", `'${file.filename}' is larger than ${max / MB} MB`);
    formatOf(file.filename, file.mime);
    let extracted: ExtractResult;
    try {
      extracted = await extractInChild(file.bytes, file.filename, file.mime, this.limits);
    } catch (e) {
      if (e instanceof KonstructError && e.code === "unprocessable") return { document: view(await this.recordFailed(tenantId, file, e.message, await this.keepOriginal(tenantId, file.bytes))), duplicate: false };
      throw e;
    }
    // The original before the row that names it: never a document whose stored original is missing.
    const source = await this.keepOriginal(tenantId, file.bytes);
    const { doc, chunks } = extracted;
    // A document is its normalized text (normalize.ts): the DOCX or PDF copy of a Markdown document is
    // the same document. Documents stored before were keyed by the extracted text, which is matched too.
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    const hash = sha(normalizedText(doc.text));
    const legacy = sha(doc.text);
    const out = await this.db.withTenant(tenantId, async (tx) => {
      const [old] = legacy === hash ? [] : await tx.select().from(kbDocuments).where(eq(kbDocuments.contentHash, legacy));
      const [created] = old ? [] : await tx
        .insert(kbDocuments)
        .values({ tenantId, title: doc.title, filename: file.filename, mime: file.mime || doc.format, contentHash: hash, bytes: file.bytes.byteLength, body: doc.text, status: chunks.length ? "queued" : "ready", chunksTotal: chunks.length, sourceSha256: source })
        .onConflictDoNothing()
        .returning();
      if (!created) {
        let [existing] = old ? [old] : await tx.select().from(kbDocuments).where(eq(kbDocuments.contentHash, hash));
        // A document stored before originals were kept gains this one.
        if (source && !existing!.sourceSha256) [existing] = await tx.update(kbDocuments).set({ sourceSha256: source }).where(eq(kbDocuments.id, existing!.id)).returning();
        // Uploading a document that failed again is how an admin retries it (e.g. after fixing the model).
        if (existing!.status !== "failed") return { document: existing!, duplicate: true };
        const [retried] = await tx.update(kbDocuments).set({ status: "queued", error: null, updatedAt: sql`now()` }).where(eq(kbDocuments.id, existing!.id)).returning();
        return { document: retried!, duplicate: false, retried: true };
      }
      return { document: created, duplicate: false };
    });
    if ("retried" in out) return (await this.nudge(tenantId, out.document.id), { document: view(out.document), duplicate: false });
    if (out.duplicate) return (await this.dropUnnamed(tenantId, source), { document: view(out.document), duplicate: true });
    await this.insertChunks(tenantId, out.document.id, chunks);
    await this.nudge(tenantId, out.document.id);
    return { document: view(out.document), duplicate: false };
  }

  /**
   * Chunks in bounded transactions with a turn of the event loop between them, so a document of
   * thousands of chunks lets chat turns and /healthz through while it is stored. Chunking is
   * deterministic, so two re-indexes of one document racing insert the same rows: the second is skipped.
   */
  private async insertChunks(tenantId: string, documentId: string, chunks: Chunk[]): Promise<void> {
    for (let i = 0; i < chunks.length; i += INSERT_BATCH) {
      const slice = chunks.slice(i, i + INSERT_BATCH);
      await this.db.background(tenantId, (tx) =>
        rowsOf(
          tx,
          sql`insert into kb_chunks (tenant_id, id, document_id, seq, section, content)
              select ${tenantId}::uuid, gen_random_uuid(), ${documentId}::uuid, seq, section, content
              from ${recordset(slice, "c", "seq int, section text, content text")}
              on conflict (tenant_id, document_id, seq) do nothing`,
        ),
      );
      await yieldToIo();
    }
  }

  /** A refused file: a `failed` document (keyed by its bytes, as it has no text) that says why. */
  private async recordFailed(tenantId: string, file: Upload, reason: string, source: string | null): Promise<KbDocument> {
    const hash = `raw:${createHash("sha256").update(file.bytes).digest("hex")}`;
    return this.db.withTenant(tenantId, async (tx) => {
      const fields = { status: "failed", error: reason, chunksTotal: 0, updatedAt: sql`now()`, ...(source ? { sourceSha256: source } : {}) };
      const [row] = await tx
        .insert(kbDocuments)
        .values({ tenantId, title: file.filename.replace(/\.[^.]+$/, "") || file.filename, filename: file.filename, mime: file.mime || "application/octet-stream", contentHash: hash, bytes: file.bytes.byteLength, body: "", ...fields })
        .onConflictDoUpdate({ target: [kbDocuments.tenantId, kbDocuments.contentHash], set: fields })
        .returning();
      return row!;
    });
  }

  async list(tenantId: string): Promise<DocumentView[]> {
    // Without the body (up to max_text_chars each): progress is polled, and reading every text each time holds PGlite.
    const rows = await this.db.withTenant(tenantId, (tx) => tx.select(listed).from(kbDocuments).orderBy(desc(kbDocuments.createdAt)));
    return rows.map(view);
  }

  async get(tenantId: string, id: string): Promise<DocumentView | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.withTenant(tenantId, (tx) => tx.select().from(kbDocuments).where(eq(kbDocuments.id, id)));
    return row ? view(row) : null;
  }

  /**
   * Re-index one document: its stored text is chunked again and every chunk re-embedded through the
   * same job as an upload (extraction is not repeated: that is `reextract`). A failed document without
   * text cannot be re-indexed.
   */
  async reindex(tenantId: string, id: string): Promise<DocumentView | null> {
    if (!isUuid(id)) return null;
    const [doc] = await this.db.withTenant(tenantId, (tx) => tx.select({ body: kbDocuments.body }).from(kbDocuments).where(eq(kbDocuments.id, id)));
    if (!doc) return null;
    const chunks = chunkMarkdown(doc.body);
    if (!chunks.length) throw new KonstructError("bad_request", "this document has no text to index: upload the file again");
    const [row] = await this.db.withTenant(tenantId, async (tx) => {
      await tx.delete(kbChunks).where(and(eq(kbChunks.tenantId, tenantId), eq(kbChunks.documentId, id)));
      return tx.update(kbDocuments).set({ status: "queued", error: null, chunksTotal: chunks.length, chunksDone: 0, updatedAt: sql`now()` }).where(and(eq(kbDocuments.tenantId, tenantId), eq(kbDocuments.id, id))).returning();
    });
    await this.insertChunks(tenantId, id, chunks);
    await this.nudge(tenantId, id);
    return view(row!);
  }

  /**
   * Re-extract one document from its stored original (after a better extractor or higher limits): the
   * same child and limits as an upload, then text, title and chunks replaced and re-embedded. A refusal
   * or a text another document already has changes nothing and says why; a document stored before
   * originals were kept (migration 0046) has none and is uploaded again instead.
   */
  async reextract(tenantId: string, id: string): Promise<DocumentView | null> {
    if (!isUuid(id)) return null;
    const [doc] = await this.db.withTenant(tenantId, (tx) => tx.select({ filename: kbDocuments.filename, mime: kbDocuments.mime, source: kbDocuments.sourceSha256 }).from(kbDocuments).where(eq(kbDocuments.id, id)));
    if (!doc) return null;
    const bytes = doc.source && this.originals ? await this.originals.get(tenantId, doc.source) : null;
    if (!bytes) throw new KonstructError("bad_request", "the original file of this document is not stored: upload it again");
    if (bytes.byteLength > this.limits.maxUploadBytes) throw new KonstructError("too_large", `'${doc.filename}' is larger than ${this.limits.maxUploadBytes / MB} MB`);
    // A refusal (unprocessable) propagates: the document keeps its current text and chunks.
    const { doc: extracted, chunks } = await extractInChild(bytes, doc.filename, doc.mime, this.limits);
    const hash = createHash("sha256").update(normalizedText(extracted.text)).digest("hex");
    const [row] = await this.db.withTenant(tenantId, async (tx) => {
      const [twin] = await tx.select({ title: kbDocuments.title }).from(kbDocuments).where(and(eq(kbDocuments.contentHash, hash), sql`${kbDocuments.id} <> ${id}`));
      if (twin) throw new KonstructError("conflict", `its text is now the same as the document "${twin.title}"; delete one of them`);
      await tx.delete(kbChunks).where(and(eq(kbChunks.tenantId, tenantId), eq(kbChunks.documentId, id)));
      const fields = { title: extracted.title, body: extracted.text, contentHash: hash, status: chunks.length ? "queued" : "ready", error: null, chunksTotal: chunks.length, chunksDone: 0, updatedAt: sql`now()` };
      return tx.update(kbDocuments).set(fields).where(and(eq(kbDocuments.tenantId, tenantId), eq(kbDocuments.id, id))).returning();
    });
    await this.insertChunks(tenantId, id, chunks);
    if (chunks.length) await this.nudge(tenantId, id);
    return view(row!);
  }

  /** Deletes the document and (by cascade) its chunks, then its stored original unless something else names it. */
  async remove(tenantId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const { gone, orphaned } = await this.db.withTenant(tenantId, async (tx) => {
      const gone = await tx.delete(kbDocuments).where(and(eq(kbDocuments.tenantId, tenantId), eq(kbDocuments.id, id))).returning({ source: kbDocuments.sourceSha256 });
      return { gone, orphaned: await unnamed(tx, tenantId, gone.flatMap((g) => (g.source ? [g.source] : []))) };
    });
    for (const h of orphaned) await this.originals?.delete(tenantId, h);
    return gone.length > 0;
  }

  /** The original's hash once it is in the blob store (put is idempotent by content), or null without a store. */
  private async keepOriginal(tenantId: string, bytes: Uint8Array): Promise<string | null> {
    if (!this.originals) return null;
    const hash = await sha256Sliced(bytes);
    await this.originals.put(tenantId, hash, bytes);
    return hash;
  }

  /** A duplicate upload's original that no row ended up naming. */
  private async dropUnnamed(tenantId: string, hash: string | null): Promise<void> {
    if (!hash || !this.originals) return;
    if ((await this.db.withTenant(tenantId, (tx) => unnamed(tx, tenantId, [hash]))).length) await this.originals.delete(tenantId, hash);
  }
}

const { body: _unlisted, ...listed } = getTableColumns(kbDocuments);

function view(d: Omit<KbDocument, "body"> & { body?: string }): DocumentView {
  const { body: _body, tenantId: _t, ...rest } = d;
  return { ...rest, progress: d.chunksTotal ? Math.round((100 * d.chunksDone) / d.chunksTotal) : 100 };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);
