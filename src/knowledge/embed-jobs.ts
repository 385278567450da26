/**
 * The durable embedding job. Its queue is the data itself: every chunk or memory whose `model` is
 * not the configured model (null = never embedded) still needs a vector. So an upload interrupted
 * by a restart resumes where it stopped, and a model change re-embeds everything instead of mixing
 * vector spaces (search reads only the current model's rows). A batch that cannot be embedded marks
 * its documents failed, with the reason, rather than retrying forever.
 *
 * Inference happens outside any transaction; bulk priority lets chat queries go first (embedder.ts).
 */
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import { tenants } from "../db/schema/index.ts";
import { recordset, rowsOf } from "../db/set-sql.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import type { VectorStore } from "../vectors/store.ts";

/** Small batches: a chat query waits for at most one bulk batch in the embedder (embedder.ts). */
const BATCH = 32;
const WRITE_SLICE = 8;
const IDLE_POLL_MS = 5000;

interface Pending {
  id: string;
  text: string;
  document_id: string | null;
}

export class EmbedJobs {
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private busy = false;

  constructor(private readonly deps: { db: Database; embedder: Embedder; vectors: VectorStore; log: Logger }) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
  }

  /** Resolves once nothing is left to embed (tests, benchmarks). */
  async drained(timeoutMs = 120_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    this.nudge();
    while (this.busy || (await this.anyPending())) {
      if (Date.now() > until) throw new Error("embedding jobs did not drain in time");
      this.nudge();
      await Bun.sleep(25);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = false;
      this.busy = true;
      try {
        worked = await this.round();
      } catch (e) {
        this.deps.log.error({ err: e }, "embedding round failed");
      } finally {
        this.busy = false;
      }
      if (!worked && this.running) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, IDLE_POLL_MS)));
      this.wake = null;
    }
  }

  private async tenantIds(): Promise<string[]> {
    return (await this.deps.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants))).map((t) => t.id);
  }

  private async anyPending(): Promise<boolean> {
    for (const t of await this.tenantIds()) if ((await this.pending(t, 1, "kb_chunks")).length || (await this.pending(t, 1, "memories")).length) return true;
    return false;
  }

  private pending(tenantId: string, limit: number, table: "kb_chunks" | "memories"): Promise<Pending[]> {
    const model = this.deps.embedder.model;
    return this.deps.db.withTenant(tenantId, (tx) =>
      table === "kb_chunks"
        ? rowsOf<Pending>(
            tx,
            sql`select c.id, c.section || E'\n' || c.content as text, c.document_id from kb_chunks c
                join kb_documents d on d.tenant_id = c.tenant_id and d.id = c.document_id and d.status <> 'failed'
                where c.tenant_id = ${tenantId}::uuid and c.model is distinct from ${model}
                order by d.created_at, c.seq limit ${limit}`,
          )
        : rowsOf<Pending>(tx, sql`select id, content as text, null as document_id from memories where tenant_id = ${tenantId}::uuid and model is distinct from ${model} limit ${limit}`),
    );
  }

  /** One batch per tenant and table; true when anything was embedded. */
  private async round(): Promise<boolean> {
    let worked = false;
    for (const tenantId of await this.tenantIds()) {
      for (const table of ["memories", "kb_chunks"] as const) {
        if (!this.running) return worked;
        const rows = await this.pending(tenantId, BATCH, table);
        if (!rows.length) continue;
        worked = true;
        await this.embedBatch(tenantId, table, rows);
        // A turn of the event loop between batches: a large document must not starve chat turns.
        await new Promise((r) => setImmediate(r));
      }
    }
    return worked;
  }

  private async embedBatch(tenantId: string, table: "kb_chunks" | "memories", rows: Pending[]): Promise<void> {
    const { db, embedder, vectors } = this.deps;
    const docs = [...new Set(rows.map((r) => r.document_id).filter((d): d is string => !!d))];
    let vecs: Float32Array[];
    try {
      vecs = await embedder.embed(rows.map((r) => r.text), "bulk");
    } catch (e) {
      if (!this.running) return;
      this.deps.log.error({ err: e, tenant: tenantId, table }, "embedding failed");
      if (docs.length)
        await db.withTenant(tenantId, (tx) =>
          rowsOf(tx, sql`update kb_documents set status = 'failed', error = ${(e as Error).message}, updated_at = now() where tenant_id = ${tenantId}::uuid and id = any(${`{${docs.join(",")}}`}::uuid[])`),
        );
      else throw e;
      return;
    }
    // Small write transactions: on PGlite the database runs on the main thread, and indexing a
    // vector into HNSW is CPU work there — short slices let chat transactions in between.
    for (let i = 0; i < rows.length; i += WRITE_SLICE) {
      const input = recordset(rows.slice(i, i + WRITE_SLICE).map((r, j) => ({ id: r.id, v: vectors.encode(vecs[i + j]!) })), "x", "id uuid, v text");
      await db.withTenant(tenantId, (tx) =>
        rowsOf(
          tx,
          sql`update ${sql.raw(table)} t set embedding = ${vectors.decodeSql(sql`x.v`)}, model = ${embedder.model}
              from ${input} where t.tenant_id = ${tenantId}::uuid and t.id = x.id`,
        ),
      );
      await Bun.sleep(0);
    }
    await db.withTenant(tenantId, async (tx) => {
      if (docs.length)
        await rowsOf(
          tx,
          sql`update kb_documents d set chunks_done = n.done,
                status = case when n.done >= d.chunks_total then 'ready' else 'embedding' end, error = null, updated_at = now()
              from (select document_id, count(*) filter (where model = ${embedder.model})::int as done from kb_chunks
                    where tenant_id = ${tenantId}::uuid and document_id = any(${`{${docs.join(",")}}`}::uuid[]) group by document_id) n
              where d.tenant_id = ${tenantId}::uuid and d.id = n.document_id`,
        );
    });
  }
}
