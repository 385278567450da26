/**
 * Hybrid retrieval over a tenant's chunks: Postgres full-text (any of the query's terms, rare ones
 * first, then by ts_rank: konstruct_kb_text_search, migration 0054) and vector similarity (the
 * current model's embeddings), fused by reciprocal rank fusion — each list contributes
 * 1/(60 + rank), so a passage both find comes first, and neither score scale has to be calibrated
 * against the other.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { rowsOf, uuidArray } from "../db/set-sql.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import type { VectorStore } from "../vectors/store.ts";

export interface Passage {
  chunkId: string;
  documentId: string;
  title: string;
  section: string;
  content: string;
  score: number;
}

/** The longest question the console's retrieval test and the search API take. */
export const MAX_QUERY = 500;
/** Candidates taken from each list before fusion. */
const CANDIDATES = 20;
const RRF_K = 60;

/** One side's view of a passage: its rank in that list (1 = best) and the list's own score. */
export interface SideHit {
  rank: number;
  /** Full text: ts_rank; vector: cosine similarity. */
  score: number;
}

/** A passage with how it was found (the hit-testing page): each side's rank and score, and the fused rank. */
export interface ExplainedPassage extends Passage {
  fusedRank: number;
  text: SideHit | null;
  vector: SideHit | null;
}

export interface SearchOptions {
  /** Only these documents (an agent's knowledge scope); undefined = the whole knowledge base. */
  documentIds?: string[];
}

/** What `kb_search` returns: the passages, best first. */
export async function hybridSearch(deps: SearchDeps, tenantId: string, query: string, k = 5, opts: SearchOptions = {}): Promise<Passage[]> {
  return (await explainSearch(deps, tenantId, query, k, opts)).map(({ fusedRank: _f, text: _t, vector: _v, ...p }) => p);
}

type SearchDeps = { db: Database; embedder: Embedder; vectors: VectorStore };

/** The same search with each side's rank and score kept, so the console shows why a passage came. */
export async function explainSearch(deps: SearchDeps, tenantId: string, query: string, k = 5, opts: SearchOptions = {}): Promise<ExplainedPassage[]> {
  const q = query.trim();
  if (!q || opts.documentIds?.length === 0) return [];
  const scoped = opts.documentIds ? uuidArray(opts.documentIds) : null;
  // The worker embeds the query while the database runs the full-text side (its own transaction:
  // on PGlite a transaction waiting for the worker would hold the only connection).
  const embedded = deps.embedder.embed([q], "query");
  embedded.catch(() => {});
  // Ranked by a definer function (migration 0054): under FORCEd RLS only it can use the GIN index.
  const text = await deps.db.withTenant(tenantId, (tx) =>
    rowsOf<{ id: string; score: number }>(tx, sql`select id, score from konstruct_kb_text_search(${q}, ${scoped ?? sql`null::uuid[]`}, ${CANDIDATES})`),
  );
  const [vector] = await embedded;
  return deps.db.withTenant(tenantId, async (tx) => {
    const filter = scoped ? sql`document_id = any(${scoped})` : undefined;
    const near = await deps.vectors.nearest(tx, { table: "kb_chunks", tenantId, model: deps.embedder.model, vector: vector!, k: CANDIDATES, ...(filter ? { filter } : {}) });
    const fused = rrf([text.map((r) => r.id), near.map((r) => r.id)]).slice(0, k);
    if (!fused.length) return [];
    const rows = await rowsOf<{ id: string; document_id: string; title: string; section: string; content: string }>(
      tx,
      sql`select c.id, c.document_id, d.title, c.section, c.content from kb_chunks c
          join kb_documents d on d.tenant_id = c.tenant_id and d.id = c.document_id
          where c.tenant_id = ${tenantId}::uuid and c.id = any(${uuidArray(fused.map((f) => f.id))})`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const side = (list: { id: string; score: number }[]) => new Map(list.map((r, i) => [r.id, { rank: i + 1, score: Number(r.score) }]));
    const [bm, vec] = [side(text), side(near)];
    return fused.flatMap((f, i) => {
      const r = byId.get(f.id);
      return r
        ? [{ chunkId: r.id, documentId: r.document_id, title: r.title, section: r.section, content: r.content, score: f.score, fusedRank: i + 1, text: bm.get(r.id) ?? null, vector: vec.get(r.id) ?? null }]
        : [];
    });
  });
}

/** Reciprocal rank fusion of ranked id lists, best first. */
export function rrf(lists: string[][]): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const list of lists) list.forEach((id, rank) => scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + rank + 1)));
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

/** How a passage is cited: document title and section. */
export function citation(p: Pick<Passage, "title" | "section">): string {
  // A document's top heading is usually its title: cite "Handbook — Leave", not "Handbook — Handbook > Leave".
  const section = p.section === p.title ? "" : p.section.startsWith(`${p.title} > `) ? p.section.slice(p.title.length + 3) : p.section;
  return section ? `${p.title} — ${section}` : p.title;
}
