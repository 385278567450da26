/**
 * Reference counting of attachment blobs. A blob (tenant, sha256) is named by attachment rows (files
 * people sent) and by knowledge-base documents (their stored original, kb_documents.source_sha256);
 * it may be deleted only when neither names it any more. Callers delete rows first, ask here inside
 * the same tenant transaction, and delete the returned blobs after the commit — a crash in between
 * leaves an unnamed blob (harmless), never a row without its bytes.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { attachments, kbDocuments } from "../db/schema/index.ts";

/** Of `hashes`, those no attachment row and no knowledge-base document of the tenant names. */
export async function unnamed(tx: Tx, tenantId: string, hashes: string[]): Promise<string[]> {
  const unique = [...new Set(hashes)];
  if (!unique.length) return [];
  const sent = await tx.selectDistinct({ h: attachments.sha256 }).from(attachments).where(and(eq(attachments.tenantId, tenantId), inArray(attachments.sha256, unique)));
  const kb = await tx.selectDistinct({ h: kbDocuments.sourceSha256 }).from(kbDocuments).where(and(eq(kbDocuments.tenantId, tenantId), inArray(kbDocuments.sourceSha256, unique)));
  const named = new Set([...sent, ...kb].map((r) => r.h));
  return unique.filter((h) => !named.has(h));
}
