/**
 * The durable embedding job. Its queue is the data itself: every chunk or memory whose `model` is
 * not the configured model (null = never embedded) still needs a vector. So an upload interrupted
 * by a restart resumes where it stopped, and a model change re-embeds everything instead of mixing
 * vector spaces (search reads only the current model's rows). A batch that cannot be embedded marks
 * its documents failed, with the reason, rather than retrying forever (memories, which have no
 * status, wait for the next poll).
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
import { WarnOnce } from "../log/once.ts";
import type { VectorStore } from "../vectors/store.ts";

/** Small batches: a chat query waits for at most one bulk batch in the embedder (embedder.ts). */
const BATCH = 32;
/**
 * Vector writes run in slices sized to take about WRITE_BUDGET_MS each: on PGlite the database runs on
 * the server's thread and inserting a vector into HNSW costs from ~2 ms to ~20 ms (machine load), so
 * a fixed slice either stalls chat or wastes transactions. The size adapts to the last slice's cost.
 */
const WRITE_BUDGET_MS = 20;
const MAX_WRITE_SLICE = 8;
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
  /** Rows per vector-write transaction, adapted to the measured cost (WRITE_BUDGET_MS). */
  private slice = 1;
  private readonly warned: WarnOnce;

  constructor(private readonly deps: { db: Database; embedder: Embedder; vectors: VectorStore; log: Logger; documentReady?(tenantId: string, doc: { id: string; title: string; filename: string }): void }) {
    this.warned = new WarnOnce(deps.log);
  }

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
        this.warned.warn(e, "embedding round failed");
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
        if (await this.embedBatch(tenantId, table, rows)) worked = true;
        // A turn of the event loop between batches: a large document must not starve chat turns.
        await yieldToIo();
      }
    }
    return worked;
  }

  /**
   * False when nothing changed: the model failed on memories, which stay pending (retried on the next
   * nudge or poll). A failure never ends the round, so documents behind such memories still fail visibly.
   */
  private async embedBatch(tenantId: string, table: "kb_chunks" | "memories", rows: Pending[]): Promise<boolean> {
    const { db, embedder, vectors } = this.deps;
    const docs = [...new Set(rows.map((r) => r.document_id).filter((d): d is string => !!d))];
    let vecs: Float32Array[];
    try {
      vecs = await embedder.embed(rows.map((r) => r.text), "bulk");
    } catch (e) {
      if (!this.running) return false;
      this.warned.warn(e, "embedding failed", { tenant: tenantId, table });
      if (!docs.length) return false;
      await db.withTenant(tenantId, (tx) =>
        rowsOf(tx, sql`update kb_documents set status = 'failed', error = ${(e as Error).message}, updated_at = now() where tenant_id = ${tenantId}::uuid and id = any(${`{${docs.join(",")}}`}::uuid[])`),
      );
      return true;
    }
    this.warned.ok();
    // Small write transactions (see WRITE_BUDGET_MS), with timers and I/O let through between them.
    for (let i = 0; i < rows.length; ) {
      const n = Math.min(this.slice, rows.length - i);
      const input = recordset(rows.slice(i, i + n).map((r, j) => ({ id: r.id, v: vectors.encode(vecs[i + j]!) })), "x", "id uuid, v text");
      const t0 = performance.now();
      await db.withTenant(tenantId, (tx) =>
        rowsOf(
          tx,
          sql`update ${sql.raw(table)} t set embedding = ${vectors.decodeSql(sql`x.v`)}, model = ${embedder.model}
              from ${input} where t.tenant_id = ${tenantId}::uuid and t.id = x.id`,
        ),
      );
      const perRow = (performance.now() - t0) / n;
      this.slice = Math.max(1, Math.min(MAX_WRITE_SLICE, Math.floor(WRITE_BUDGET_MS / Math.max(perRow, 0.1))));
      i += n;
      await yieldToIo();
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
}

/** A timer, not setImmediate: an immediate can run before pending sockets are polled; a timer lets requests in. */
export const yieldToIo = () => new Promise<void>((r) => setTimeout(r, 0));
