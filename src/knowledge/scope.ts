/**
 * Per-agent knowledge scope: which documents an AI employee's kb_search may read. Stored on the
 * agent (`knowledge_documents`): null = the tenant's whole knowledge base, a list = only those
 * documents (a deleted one matches nothing, so an agent scoped to it finds nothing rather than
 * everything). Read inside withTenant, so an id of another tenant's agent or document finds nothing.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { agents, kbDocuments } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";
import { isUuid } from "./knowledge.ts";

/** How many documents one agent's scope may list (the form's checkboxes). */
export const MAX_SCOPED_DOCUMENTS = 500;

export interface KnowledgeScope {
  documentIds: string[];
  /** Titles of the listed documents that still exist. */
  titles: string[];
}

/** The agent's scope, or undefined when it reads the whole knowledge base (or no such agent). */
export async function agentKnowledgeScope(db: Database, tenantId: string, agentId: string, opts: { titles?: boolean } = {}): Promise<KnowledgeScope | undefined> {
  if (!isUuid(agentId)) return undefined;
  return db.withTenant(tenantId, async (tx) => {
    const [a] = await tx.select({ docs: agents.knowledgeDocuments }).from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.id, agentId)));
    if (!a?.docs) return undefined;
    const titles = a.docs.length && opts.titles !== false ? await tx.select({ title: kbDocuments.title }).from(kbDocuments).where(inArray(kbDocuments.id, a.docs)).orderBy(kbDocuments.title) : [];
    return { documentIds: a.docs, titles: titles.map((t) => t.title) };
  });
}

/** Sets the agent's scope (null = whole knowledge base); only ids of this tenant's documents are kept. */
export async function setAgentKnowledgeScope(db: Database, tenantId: string, agentId: string, documentIds: string[] | null): Promise<boolean> {
  if (!isUuid(agentId)) return false;
  if (documentIds && documentIds.length > MAX_SCOPED_DOCUMENTS) throw new KonstructError("bad_request", `at most ${MAX_SCOPED_DOCUMENTS} documents`);
  return db.withTenant(tenantId, async (tx) => {
    const wanted = (documentIds ?? []).filter(isUuid);
    const known = wanted.length ? (await tx.select({ id: kbDocuments.id }).from(kbDocuments).where(inArray(kbDocuments.id, wanted))).map((r) => r.id) : [];
    const rows = await tx.update(agents).set({ knowledgeDocuments: documentIds ? known : null }).where(and(eq(agents.tenantId, tenantId), eq(agents.id, agentId))).returning({ id: agents.id });
    return rows.length > 0;
  });
}
