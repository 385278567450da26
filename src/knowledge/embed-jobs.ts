/**
 * The durable embedding job. What needs a vector is the data itself: every chunk or memory whose
 * `model` is not the configured model (null = never embedded). So an upload interrupted
 * by a restart resumes where it stopped, and a model change re-embeds everything instead of mixing
 * vector spaces (search reads only the current model's rows). A batch that cannot be embedded marks
 * its documents failed, with the reason, rather than retrying forever (memories, which have no
 * status, stay pending and their job is retried).
 *
 * The work is driven by the job engine's `embed` queue: a job per document ("document X has chunks
 * to embed", sent when it is stored) and one per tenant for its memories (sent when one could not be
 * embedded at once). A job embeds its rows in the same small batches as before until none is left;
 * the queue is `stately` per document (per tenant for memories), so one document is embedded by one
 * worker on one replica at a time, and a job that arrives while it runs waits and then finds the
 * rest (or nothing). start() queues whatever is still pending (a restart, a model change, an
 * upgrade from the polling loop this replaced), so nothing waits for a job that was never sent.
 *
 * Inference happens outside any transaction; bulk priority lets chat queries go first (embedder.ts).
 * A failure that repeats (no model, a broken one) is one warning per cause, not one per batch.
 */
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import { tenants } from "../db/schema/index.ts";
import { recordset, rowsOf } from "../db/set-sql.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import type { JobEngine } from "../jobs/engine.ts";
import { WarnOnce } from "../log/once.ts";
import type { VectorStore } from "../vectors/store.ts";

/** Small batches: a chat query waits for at most one bulk batch in the embedder (embedder.ts). */
const BATCH = 32;
/**
 * Vector writes run in slices sized to take about WRITE_BUDGET_MS each: on PGlite the database runs on
 * the server's thread and inserting a vector into HNSW costs from ~2 ms to ~20 ms (graph size, machine
 * load), so a fixed slice either stalls chat or wastes transactions. The size adapts to the last
 * slice's cost; each slice waits for a quiet database (Database.background) and, when foreground work
 * ran meanwhile, is followed by a rest as long as itself: under load, ingestion takes at most half of
 * the server's thread; on an idle server it runs at full speed.
 */
const WRITE_BUDGET_MS = 10;
const MAX_WRITE_SLICE = 8;

/** The job engine's queue of embedding work; EmbedJobs.work is its handler. */
export const EMBED_QUEUE = "embed";
/** A document's chunks, or (no documentId) the tenant's memories. */
export interface EmbedJob {
  tenantId: string;
  documentId?: string;
}

interface Pending {
  id: string;
  text: string;
  document_id: string | null;
}

export class EmbedJobs {
  private stopping = false;
  /** Rows per vector-write transaction, adapted to the measured cost (WRITE_BUDGET_MS). */
  private slice = 1;
  private readonly warned: WarnOnce;

  constructor(
    private readonly deps: {
      db: Database;
      embedder: Embedder;
      vectors: VectorStore;
      log: Logger;
      jobs: Pick<JobEngine, "send" | "settled">;
      documentReady?(tenantId: string, doc: { id: string; title: string; filename: string }): void;
    },
  ) {
    this.warned = new WarnOnce(deps.log);
  }

  /**
   * Queues the embedding of a document's chunks, or of the tenant's memories. A failure to queue is
   * logged, not thrown: the row is stored and the next start() queues it.
   */
  async queue(tenantId: string, documentId?: string): Promise<void> {
    const key = documentId ? `doc:${documentId}` : `memories:${tenantId}`;
    await this.deps.jobs.send<EmbedJob>(EMBED_QUEUE, documentId ? { tenantId, documentId } : { tenantId }, { singletonKey: key }).catch((e) => this.warned.warn(e, "embedding job could not be queued"));
  }

  /** At start: queues every document with chunks still to embed and every tenant's unembedded memories. */
  async start(): Promise<number> {
    this.stopping = false;
    let n = 0;
    for (const tenantId of await this.tenantIds()) {
      const docs = await this.deps.db.withTenant(tenantId, (tx) =>
        rowsOf<{ id: string }>(
          tx,
          sql`select d.id from kb_documents d where d.tenant_id = ${tenantId}::uuid and d.status <> 'failed'
              and exists (select 1 from kb_chunks c where c.tenant_id = d.tenant_id and c.document_id = d.id and c.model is distinct from ${this.deps.embedder.model})
              order by d.created_at`,
        ),
      );
      for (const d of docs) (await this.queue(tenantId, d.id), n++);
      if ((await this.pending(tenantId, 1, "memories")).length) (await this.queue(tenantId), n++);
    }
    return n;
  }

  /** The `embed` queue's handler: batches until the job's rows are all embedded. */
  readonly work = async (job: EmbedJob): Promise<void> => {
    const table = job.documentId ? "kb_chunks" : "memories";
    for (;;) {
      // Stopping between batches: the job fails and is retried (here after a restart, or by another replica).
      if (this.stopping) throw new Error("embedding stopped by shutdown; the job is retried");
      const rows = await this.pending(job.tenantId, BATCH, table, job.documentId);
      if (!rows.length) return;
      // Memories the model failed on stay pending (documents fail visibly instead): the job fails and pg-boss retries it.
      if (!(await this.embedBatch(job.tenantId, table, rows))) throw new Error("the batch could not be embedded; the job is retried");
      // A turn of the event loop between batches: a large document must not starve chat turns.
      await yieldToIo();
    }
  };

  /** Lets a running job end after its current batch (shutdown). */
  stop(): void {
    this.stopping = true;
  }

  /** Resolves once nothing is left to embed and no job is running (tests, benchmarks). */
  async drained(timeoutMs = 120_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      // A job's last step (the documents' progress) comes after its last vectors: wait for the job too.
      await this.deps.jobs.settled(EMBED_QUEUE, Math.max(1, until - Date.now()));
      if (!(await this.anyPending())) return;
      if (Date.now() > until) throw new Error("embedding jobs did not drain in time");
      await Bun.sleep(25);
    }
  }

  private async tenantIds(): Promise<string[]> {
    return (await this.deps.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants))).map((t) => t.id);
  }

  private async anyPending(): Promise<boolean> {
    for (const t of await this.tenantIds()) if ((await this.pending(t, 1, "kb_chunks")).length || (await this.pending(t, 1, "memories")).length) return true;
    return false;
  }

  private pending(tenantId: string, limit: number, table: "kb_chunks" | "memories", documentId?: string): Promise<Pending[]> {
    const model = this.deps.embedder.model;
    return this.deps.db.withTenant(tenantId, (tx) =>
      table === "kb_chunks"
        ? rowsOf<Pending>(
            tx,
            sql`select c.id, c.section || E'\n' || c.content as text, c.document_id from kb_chunks c
                join kb_documents d on d.tenant_id = c.tenant_id and d.id = c.document_id and d.status <> 'failed'
                where c.tenant_id = ${tenantId}::uuid and c.model is distinct from ${model} ${documentId ? sql`and c.document_id = ${documentId}::uuid` : sql``}
                order by d.created_at, c.seq limit ${limit}`,
          )
        : rowsOf<Pending>(tx, sql`select id, content as text, null as document_id from memories where tenant_id = ${tenantId}::uuid and model is distinct from ${model} limit ${limit}`),
    );
  }

  /**
   * False when nothing changed: the model failed on memories, which stay pending (their job is
   * retried). A document's chunks the model fails on fail the document, visibly, with the reason.
   */
  private async embedBatch(tenantId: string, table: "kb_chunks" | "memories", rows: Pending[]): Promise<boolean> {
    const { db, embedder } = this.deps;
    const docs = [...new Set(rows.map((r) => r.document_id).filter((d): d is string => !!d))];
    // Every model batch is queued at once and each is written as soon as it is back: the worker embeds
    // the next batch on its core while this thread writes the last one's vectors.
    const size = Math.max(1, embedder.opts?.batchSize ?? rows.length);
    const parts: Pending[][] = [];
    for (let i = 0; i < rows.length; i += size) parts.push(rows.slice(i, i + size));
    const embedded = parts.map((p) => embedder.embed(p.map((r) => r.text), "bulk"));
    for (const e of embedded) e.catch(() => {});
    for (let k = 0; k < parts.length; k++) {
      let vecs: Float32Array[];
      try {
        vecs = await embedded[k]!;
      } catch (e) {
        if (this.stopping) return false;
        this.warned.warn(e, "embedding failed", { tenant: tenantId, table });
        if (!docs.length) return false;
        await db.withTenant(tenantId, (tx) =>
          rowsOf(tx, sql`update kb_documents set status = 'failed', error = ${(e as Error).message}, updated_at = now() where tenant_id = ${tenantId}::uuid and id = any(${`{${docs.join(",")}}`}::uuid[])`),
        );
        return true;
      }
      this.warned.ok();
      await this.write(tenantId, table, parts[k]!, vecs);
    }
    const ready = await db.withTenant(tenantId, async (tx) => {
      if (!docs.length) return [];
      return rowsOf<{ id: string; title: string; filename: string; status: string }>(
        tx,
        sql`update kb_documents d set chunks_done = n.done,
              status = case when n.done >= d.chunks_total then 'ready' else 'embedding' end, error = null, updated_at = now()
            from (select document_id, count(*) filter (where model = ${embedder.model})::int as done from kb_chunks
                  where tenant_id = ${tenantId}::uuid and document_id = any(${`{${docs.join(",")}}`}::uuid[]) group by document_id) n
            where d.tenant_id = ${tenantId}::uuid and d.id = n.document_id
            returning d.id, d.title, d.filename, d.status`,
      );
    });
    for (const d of ready) if (d.status === "ready") this.deps.documentReady?.(tenantId, { id: d.id, title: d.title, filename: d.filename });
    return true;
  }

  /** Small write transactions (see WRITE_BUDGET_MS), with timers and I/O let through between them. */
  private async write(tenantId: string, table: "kb_chunks" | "memories", rows: Pending[], vecs: Float32Array[]): Promise<void> {
    const { db, embedder, vectors } = this.deps;
    for (let i = 0; i < rows.length; ) {
      const n = Math.min(this.slice, rows.length - i);
      const input = recordset(rows.slice(i, i + n).map((r, j) => ({ id: r.id, v: vectors.encode(vecs[i + j]!) })), "x", "id uuid, v text");
      // Waits for a quiet database (db/quiet-gate.ts): on PGlite a chat turn would otherwise queue behind these writes.
      const t0 = performance.now();
      await db.background(tenantId, (tx) =>
        rowsOf(
          tx,
          sql`update ${sql.raw(table)} t set embedding = ${vectors.decodeSql(sql`x.v`)}, model = ${embedder.model}
              from ${input} where t.tenant_id = ${tenantId}::uuid and t.id = x.id`,
        ),
      );
      const took = performance.now() - t0;
      this.slice = Math.max(1, Math.min(MAX_WRITE_SLICE, Math.floor(WRITE_BUDGET_MS / Math.max(took / n, 0.1))));
      i += n;
      // Under a foreground load, a rest as long as the slice took (its wait for quiet included), so
      // foreground work always finds gaps: at most half the server's thread. On an idle server, no
      // rest: a large document indexes at full speed. (`took` sizes the next slice too: under load
      // the wait keeps it at one row.)
      await (db.quiet.busySince(t0) ? Bun.sleep(took) : yieldToIo());
    }
  }
}

/** A timer, not setImmediate: an immediate can run before pending sockets are polled; a timer lets requests in. */
export const yieldToIo = () => new Promise<void>((r) => setTimeout(r, 0));
