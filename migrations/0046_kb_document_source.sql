-- The stored original of a knowledge-base document (src/knowledge): the SHA-256 of the file's bytes in
-- the tenant's attachment blob store (src/media/store.ts, data_dir/attachments/<tenant>/… or S3), so a
-- document can be extracted again from what was uploaded — or sent in chat and added with
-- kb_add_attachment. Null for documents stored before this migration (their original was not kept).
-- A blob goes only when neither an attachment row nor a document names it (src/media/refs.ts).
ALTER TABLE "kb_documents" ADD COLUMN "source_sha256" text;--> statement-breakpoint
ALTER TABLE "kb_documents" ADD CONSTRAINT "kb_documents_source_sha256" CHECK ("source_sha256" is null or "source_sha256" ~ '^[0-9a-f]{64}$');--> statement-breakpoint
CREATE INDEX "kb_documents_source" ON "kb_documents" USING btree ("tenant_id","source_sha256");
