/**
 * Long-term memory: facts and summaries per tenant, AI employee and end user (`userKey`; '' = about
 * everyone the employee talks to). Written by the `remember` tool, by fact extraction when a
 * conversation ends (extract.ts) and by compaction (compaction.ts); recalled by similarity to the
 * user's message into the prompt, within a token budget.
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database, Tx } from "../db/database.ts";
import { rowsOf, uuidArray } from "../db/set-sql.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import { estimateTokens } from "../agent/tokens.ts";
import type { VectorStore } from "../vectors/store.ts";

export interface MemoryInput {
  agentId: string;
  userKey: string;
  kind: "fact" | "summary";
  content: string;
  conversationId?: string | null;
}

export interface Recalled {
  id: string;
  kind: string;
  content: string;
  score: number;
}

/** Candidates read before the token budget is applied. */
const RECALL_CANDIDATES = 16;
/** An employee's memories of one user (and of everyone) up to this many are scored exactly, not through the index. */
const EXACT_UP_TO = 256;
/** Query vectors kept (a repeated question, a retried turn: no second trip to the embedding worker). */
const QUERY_CACHE = 256;
/** Longer queries are not kept: the cache stays within ~0.5 MB of text. */
const QUERY_CACHE_CHARS = 2000;

const normalise = (content: string) => content.trim().replace(/\s+/g, " ");

export class Memory {
  /** Query text → its vector, least recently used first (Map keeps insertion order). */
  private readonly queries = new Map<string, Float32Array>();

  constructor(private readonly deps: { db: Database; embedder: Embedder; vectors: VectorStore; nudge?: (tenantId: string) => void }) {}

  /** Stores a memory (embedded at once, so it is recallable in the next turn). A repeated fact is a no-op. */
  async remember(tenantId: string, m: MemoryInput): Promise<{ id: string; created: boolean }> {
    const vector = await this.embedding(m.content);
    const row = await this.deps.db.withTenant(tenantId, (tx) => this.rememberIn(tx, tenantId, m, vector));
    if (!vector) this.deps.nudge?.(tenantId);
    return row;
  }

  /** A memory stored without its vector (the model could not run): the embedding job catches up. */
  embedLater(tenantId: string): void {
    this.deps.nudge?.(tenantId);
  }

  /** The memory's vector, or null when the model cannot run now (the embedding job catches up). */
  embedding(content: string): Promise<Float32Array | null> {
    return this.deps.embedder.embed([normalise(content)], "query").then((v) => v[0]!, () => null);
  }

  /** remember() inside the caller's transaction, with the vector embedding() gave (compaction's group-committed write). */
  async rememberIn(tx: Tx, tenantId: string, m: MemoryInput, vector: Float32Array | null): Promise<{ id: string; created: boolean }> {
    const content = normalise(m.content);
    const hash = createHash("sha256").update(content.toLowerCase()).digest("hex");
    const { embedder, vectors } = this.deps;
    const encoded = vector ? vectors.decodeSql(sql`${vectors.encode(vector)}`) : sql`null`;
    const rows = await rowsOf<{ id: string; created: boolean }>(
      tx,
      sql`with ins as (
            insert into memories (tenant_id, agent_id, user_key, kind, content, content_hash, conversation_id, model, embedding)
            values (${tenantId}::uuid, ${m.agentId}::uuid, ${m.userKey}, ${m.kind}, ${content}, ${hash}, ${m.conversationId ?? null}::uuid, ${vector ? embedder.model : null}, ${encoded})
            on conflict (tenant_id, agent_id, user_key, content_hash) do nothing returning id)
          select id, true as created from ins
          union all
          select id, false from memories where tenant_id = ${tenantId}::uuid and agent_id = ${m.agentId}::uuid and user_key = ${m.userKey} and content_hash = ${hash} and not exists (select 1 from ins)`,
    );
    return rows[0]!;
  }

  /**
   * Rewrites one memory about `userKey` (the People page) and embeds the new text at once, so recall
   * finds it by what it says now; null when there is no such memory. The same text as another memory
   * of that employee about that person is refused (they would be one memory).
   */
  async revise(tenantId: string, id: string, userKey: string, text: string, onChanged: (tx: Tx, m: { agentId: string }) => Promise<void>): Promise<{ agentId: string } | null> {
    const content = text.trim().replace(/\s+/g, " ");
    const hash = createHash("sha256").update(content.toLowerCase()).digest("hex");
    const { embedder, vectors } = this.deps;
    const vector = await embedder.embed([content], "query").then((v) => v[0]!, () => null);
    const encoded = vector ? vectors.decodeSql(sql`${vectors.encode(vector)}`) : sql`null`;
    const changed = await this.deps.db.withTenant(tenantId, async (tx) => {
      const [row] = await rowsOf<{ agent_id: string }>(
        tx,
        sql`update memories set content = ${content}, content_hash = ${hash}, model = ${vector ? embedder.model : null}, embedding = ${encoded}
             where tenant_id = ${tenantId}::uuid and id = ${id}::uuid and user_key = ${userKey} returning agent_id`,
      );
      if (row) await onChanged(tx, { agentId: row.agent_id });
      return row ? { agentId: row.agent_id } : null;
    });
    if (changed && !vector) this.deps.nudge?.(tenantId);
    return changed;
  }

  /** The recall query's vector, from the cache when the same text was embedded lately. */
  private async queryVector(query: string): Promise<Float32Array> {
    const hit = this.queries.get(query);
    if (hit) {
      this.queries.delete(query);
      this.queries.set(query, hit);
      return hit;
    }
    const [vector] = await this.deps.embedder.embed([query], "query");
    if (query.length > QUERY_CACHE_CHARS) return vector!;
    this.queries.set(query, vector!);
    if (this.queries.size > QUERY_CACHE) this.queries.delete(this.queries.keys().next().value!);
    return vector!;
  }

  /** Memories of this employee about this user (or everyone) most similar to `query`, within `budgetTokens`. */
  async recall(tenantId: string, q: { agentId: string; userKey: string; query: string; budgetTokens: number; excludeConversationId?: string }): Promise<Recalled[]> {
    if (q.budgetTokens <= 0 || !q.query.trim()) return [];
    const vector = await this.queryVector(q.query);
    return this.deps.db.withTenant(tenantId, async (tx) => {
      const filter = sql`agent_id = ${q.agentId}::uuid and user_key in (${q.userKey}, '')${
        q.excludeConversationId ? sql` and (kind <> 'summary' or conversation_id is distinct from ${q.excludeConversationId}::uuid)` : sql``
      }`;
      const near = await this.deps.vectors.nearest(tx, { table: "memories", tenantId, model: this.deps.embedder.model, vector: vector!, k: RECALL_CANDIDATES, filter, exactUpTo: EXACT_UP_TO });
      if (!near.length) return [];
      const rows = await rowsOf<{ id: string; kind: string; content: string }>(tx, sql`select id, kind, content from memories where tenant_id = ${tenantId}::uuid and id = any(${uuidArray(near.map((n) => n.id))})`);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const out: Recalled[] = [];
      let used = 0;
      for (const n of near) {
        const r = byId.get(n.id);
        if (!r) continue;
        const cost = estimateTokens(r.content);
        if (used + cost > q.budgetTokens) break;
        used += cost;
        out.push({ ...r, score: n.score });
      }
      return out;
    });
  }
}
