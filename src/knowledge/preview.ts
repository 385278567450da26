/**
 * What the console shows of one document: a bounded page of its extracted text and a page of its
 * chunks (section and whether each is embedded with the current model). Reads run in withTenant, so
 * another tenant's document id finds nothing.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { rowsOf } from "../db/set-sql.ts";
import { isUuid } from "./knowledge.ts";

/** Characters of extracted text per page, and chunks per page: a large document is read a page at a time. */
export const TEXT_PAGE_CHARS = 20_000;
export const CHUNK_PAGE = 50;

export interface TextPage {
  text: string;
  /** Length of the whole text, so the page can say where this slice sits. */
  total: number;
}

export interface ChunkRow {
  seq: number;
  section: string;
  content: string;
  model: string | null;
}

/** Page `page` (1-based) of the document's text; null when no such document in this tenant. */
export async function textPage(db: Database, tenantId: string, id: string, page: number): Promise<TextPage | null> {
  if (!isUuid(id)) return null;
  const from = (page - 1) * TEXT_PAGE_CHARS + 1;
  const [row] = await db.withTenant(tenantId, (tx) =>
    rowsOf<{ text: string; total: number }>(tx, sql`select substr(body, ${from}, ${TEXT_PAGE_CHARS}) as text, length(body)::int as total from kb_documents where tenant_id = ${tenantId}::uuid and id = ${id}::uuid`),
  );
  return row ?? null;
}

/** Page `page` (1-based) of the document's chunks in order, one more than a page to tell whether another follows. */
export async function chunkPage(db: Database, tenantId: string, id: string, page: number): Promise<{ chunks: ChunkRow[]; hasNext: boolean }> {
  if (!isUuid(id)) return { chunks: [], hasNext: false };
  const rows = await db.withTenant(tenantId, (tx) =>
    rowsOf<ChunkRow>(
      tx,
      sql`select seq, section, content, model from kb_chunks where tenant_id = ${tenantId}::uuid and document_id = ${id}::uuid
          order by seq limit ${CHUNK_PAGE + 1} offset ${(page - 1) * CHUNK_PAGE}`,
    ),
  );
  return { chunks: rows.slice(0, CHUNK_PAGE), hasNext: rows.length > CHUNK_PAGE };
}
