CREATE TABLE "kb_chunks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"section" text NOT NULL,
	"content" text NOT NULL,
	"model" text,
	CONSTRAINT "kb_chunks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "kb_documents" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"filename" text NOT NULL,
	"mime" text NOT NULL,
	"content_hash" text NOT NULL,
	"bytes" integer NOT NULL,
	"body" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"chunks_total" integer DEFAULT 0 NOT NULL,
	"chunks_done" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "kb_documents_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "conversation_memory" (
	"tenant_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"summarized_until" timestamp with time zone,
	"extracted_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversation_memory_tenant_id_conversation_id_pk" PRIMARY KEY("tenant_id","conversation_id")
);
--> statement-breakpoint
CREATE TABLE "memories" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"user_key" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"content" text NOT NULL,
	"content_hash" text NOT NULL,
	"conversation_id" uuid,
	"model" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memories_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "kb_chunks_document_seq" ON "kb_chunks" USING btree ("tenant_id","document_id","seq");--> statement-breakpoint
CREATE INDEX "kb_chunks_model" ON "kb_chunks" USING btree ("tenant_id","model");--> statement-breakpoint
CREATE UNIQUE INDEX "kb_documents_content" ON "kb_documents" USING btree ("tenant_id","content_hash");--> statement-breakpoint
CREATE INDEX "kb_documents_recent" ON "kb_documents" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "kb_documents_status" ON "kb_documents" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "memories_content" ON "memories" USING btree ("tenant_id","agent_id","user_key","content_hash");--> statement-breakpoint
CREATE INDEX "memories_owner" ON "memories" USING btree ("tenant_id","agent_id","user_key","created_at");--> statement-breakpoint
CREATE INDEX "memories_model" ON "memories" USING btree ("tenant_id","model");--> statement-breakpoint
-- Vectors. pgvector where the server has it (PGlite always does; Debian's Postgres does not): an
-- untyped `vector` column, so the dimension follows the configured model, with an HNSW index per
-- dimension created at start (src/vectors/pgvector.ts). Without pgvector: float32 in bytea, scanned
-- exactly (src/vectors/exact.ts) — same results, slower. One migration text for both servers (its
-- hash is what the migrator checks); the choice is made here, when it runs.
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS vector;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pgvector is available but this role may not create it: using the exact-scan fallback';
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    ALTER TABLE kb_chunks ADD COLUMN embedding vector;
    ALTER TABLE memories ADD COLUMN embedding vector;
  ELSE
    ALTER TABLE kb_chunks ADD COLUMN embedding bytea;
    ALTER TABLE memories ADD COLUMN embedding bytea;
  END IF;
END $$;
--> statement-breakpoint
-- Full-text side of hybrid search. GIN cannot lead with tenant_id (that needs btree_gin); RLS and the
-- query's own tenant predicate scope it (db/rls.test.ts lists it as a search index).
ALTER TABLE kb_chunks ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', section || ' ' || content)) STORED;
--> statement-breakpoint
CREATE INDEX kb_chunks_tsv ON kb_chunks USING gin (tsv);
--> statement-breakpoint
ALTER TABLE kb_chunks ADD CONSTRAINT kb_chunks_document_fk FOREIGN KEY (tenant_id, document_id)
  REFERENCES kb_documents (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE memories ADD CONSTRAINT memories_agent_fk FOREIGN KEY (tenant_id, agent_id)
  REFERENCES agents (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE conversation_memory ADD CONSTRAINT conversation_memory_conversation_fk FOREIGN KEY (tenant_id, conversation_id)
  REFERENCES conversations (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
SELECT konstruct_isolate('kb_documents');
--> statement-breakpoint
SELECT konstruct_isolate('kb_chunks');
--> statement-breakpoint
SELECT konstruct_isolate('memories');
--> statement-breakpoint
SELECT konstruct_isolate('conversation_memory');
