/**
 * Tenant-owned: the knowledge base. A document is an upload (its clean text kept, so an ingestion
 * interrupted by a restart resumes from the database); its chunks carry the text the agent cites.
 *
 * Two columns of kb_chunks are not declared here because their type depends on the server (see
 * migration 0008): `embedding` (pgvector `vector` where the extension exists, else `bytea` of
 * float32) and `tsv` (generated tsvector for full-text search). They are read and written in SQL
 * by src/vectors/ and src/knowledge/search.ts.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const kbDocuments = pgTable(
  "kb_documents",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    title: text("title").notNull(),
    filename: text("filename").notNull(),
    mime: text("mime").notNull(),
    /** sha256 of the clean text: the same content uploaded again is the same document. */
    contentHash: text("content_hash").notNull(),
    bytes: integer("bytes").notNull(),
    body: text("body").notNull(),
    /** queued → embedding → ready | failed */
    status: text("status").notNull().default("queued"),
    chunksTotal: integer("chunks_total").notNull().default(0),
    chunksDone: integer("chunks_done").notNull().default(0),
    error: text("error"),
    /** SHA-256 of the uploaded file in the tenant's blob store (src/media/store.ts), for re-extraction; null before migration 0046. */
    sourceSha256: text("source_sha256"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("kb_documents_content").on(t.tenantId, t.contentHash),
    index("kb_documents_source").on(t.tenantId, t.sourceSha256),
    check("kb_documents_source_sha256", sql`${t.sourceSha256} is null or ${t.sourceSha256} ~ '^[0-9a-f]{64}$'`),
    index("kb_documents_recent").on(t.tenantId, t.createdAt),
    index("kb_documents_status").on(t.tenantId, t.status),
  ],
);

export const kbChunks = pgTable(
  "kb_chunks",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    documentId: uuid("document_id").notNull(),
    seq: integer("seq").notNull(),
    /** Heading path, e.g. "Leave > Parental leave": what the answer cites besides the title. */
    section: text("section").notNull(),
    content: text("content").notNull(),
    /** Model of the stored embedding; null = not embedded yet. Search reads only the current model's. */
    model: text("model"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("kb_chunks_document_seq").on(t.tenantId, t.documentId, t.seq),
    index("kb_chunks_model").on(t.tenantId, t.model),
  ],
);

export type KbDocument = typeof kbDocuments.$inferSelect;
export type KbChunk = typeof kbChunks.$inferSelect;
