/**
 * The appliance's embedder: a lazily started worker (worker.ts) fed in batches. Two queues: a query
 * (kb_search, memory recall — someone is waiting in a chat) goes before bulk work (ingesting a
 * document), and the worker is handed one batch at a time, so a query waits for at most one batch.
 *
 * Vectors are L2-normalised Float32Arrays; `dims` comes from the model (or embeddings.dims, checked).
 */
import { KonstructError } from "../errors.ts";

export interface EmbedderOptions {
  modelsDir: string;
  /** A model shipped with the appliance (model-folder.ts): the worker puts its files in modelsDir first. */
  builtin?: boolean;
  model: string;
  /** 0 = whatever the model produces; otherwise the model must produce exactly this. */
  dims: number;
  allowRemote: boolean;
  batchSize: number;
  /** The compiled binary's native onnxruntime files go here (data_dir/.konstruct-cache). */
  nativeCacheDir?: string;
}

const RETRY_LOAD_MS = 30_000;

type Job = { texts: string[]; resolve: (v: Float32Array[]) => void; reject: (e: Error) => void };
type Reply = { kind: "ready"; dims: number } | { kind: "vectors"; id: number; dims: number; data: Float32Array } | { kind: "error"; id?: number; message: string };

export class Embedder {
  private worker: Worker | null = null;
  private ready: Promise<number> | null = null;
  private readonly queues: { query: Job[]; bulk: Job[] } = { query: [], bulk: [] };
  private busy: { id: number; job: Job } | null = null;
  private seq = 0;
  private onReply: ((r: Reply) => void) | null = null;
  /** A model that failed to load is not retried on every call (a worker start costs ~0.3 s). */
  private failed: { at: number; error: Error } | null = null;

  /** Runs once the model is loaded, before any vector is handed out (the HNSW index for its dimension). */
  onReady: ((dims: number) => Promise<void>) | null = null;

  constructor(readonly opts: EmbedderOptions) {}

  get model(): string {
    return this.opts.model;
  }

  /** Loads the model (once); resolves to its dimension. */
  dims(): Promise<number> {
    if (this.failed && Date.now() - this.failed.at < RETRY_LOAD_MS) return Promise.reject(this.failed.error);
    this.ready ??= this.start().then(async (d) => (await this.onReady?.(d), d)).catch((e) => {
      this.ready = null;
      this.failed = { at: Date.now(), error: e };
      this.worker?.terminate();
      this.worker = null;
      throw e;
    });
    return this.ready;
  }

  /** Embeds `texts` (any number; split into batches). `priority: "query"` jumps ahead of bulk work. */
  async embed(texts: string[], priority: "query" | "bulk" = "query"): Promise<Float32Array[]> {
    if (!texts.length) return [];
    await this.dims();
    const size = this.opts.batchSize;
    const parts: Promise<Float32Array[]>[] = [];
    for (let i = 0; i < texts.length; i += size) {
      parts.push(new Promise((resolve, reject) => this.queues[priority].push({ texts: texts.slice(i, i + size), resolve, reject })));
    }
    this.pump();
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    for (const j of [...this.queues.query, ...this.queues.bulk]) j.reject(new KonstructError("unavailable", "embedder closed"));
    this.queues.query.length = this.queues.bulk.length = 0;
    this.busy?.job.reject(new KonstructError("unavailable", "embedder closed"));
    this.busy = null;
    w?.terminate();
  }

  private start(): Promise<number> {
    // In the compiled binary the worker is its own entry point (scripts/build.ts), stored under the
    // entry points' common root (src/). An absolute $bunfs path never falls back to a file on disk.
    const worker = new Worker(Bun.isStandaloneExecutable ? "/$bunfs/root/embeddings/worker.js" : new URL("./worker.ts", import.meta.url).href);
    this.worker = worker;
    worker.onmessage = (ev: MessageEvent<Reply>) => this.onReply?.(ev.data);
    return new Promise<number>((resolve, reject) => {
      worker.onerror = (e) => reject(new KonstructError("model_unavailable", `embedding worker failed: ${e.message}`));
      this.onReply = (r) => {
        if (r.kind === "ready") {
          if (this.opts.dims && r.dims !== this.opts.dims)
            return reject(new KonstructError("config_invalid", `config: embeddings.dims: is ${this.opts.dims} but model ${this.opts.model} produces ${r.dims}`));
          this.onReply = (x) => this.settle(x);
          worker.onerror = (e) => this.fail(new KonstructError("unavailable", `embedding worker failed: ${e.message}`));
          resolve(r.dims);
        } else if (r.kind === "error") reject(new KonstructError("model_unavailable", `embedding model ${this.opts.model}: ${r.message}`));
      };
      const { modelsDir, builtin, model, allowRemote, nativeCacheDir } = this.opts;
      worker.postMessage({ kind: "init", modelsDir, builtin, model, allowRemote, nativeCacheDir });
    });
  }

  private pump(): void {
    if (this.busy || !this.worker) return;
    const job = this.queues.query.shift() ?? this.queues.bulk.shift();
    if (!job) return;
    const id = ++this.seq;
    this.busy = { id, job };
    this.worker.postMessage({ kind: "embed", id, texts: job.texts });
  }

  private settle(r: Reply): void {
    if (!this.busy || r.kind === "ready" || r.id !== this.busy.id) return;
    const { job } = this.busy;
    this.busy = null;
    if (r.kind === "error") job.reject(new KonstructError("unavailable", `embedding failed: ${r.message}`));
    else job.resolve(Array.from({ length: job.texts.length }, (_, i) => r.data.subarray(i * r.dims, (i + 1) * r.dims)));
    this.pump();
  }

  private fail(e: Error): void {
    this.busy?.job.reject(e);
    this.busy = null;
    this.pump();
  }
}

/** Cosine similarity of two L2-normalised vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
