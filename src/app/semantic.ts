/**
 * Memory and knowledge, assembled (createApp owns one): the embedder (a worker, started on first
 * use), the vector store this database supports, the knowledge base, long-term memory, the
 * embedding jobs, end-of-conversation fact extraction, and what the agent gets from them — the
 * `kb_search` and `remember` tools and the turn context (recall, summary, citing).
 *
 * Both background parts run on the job engine, so with several replicas each piece of work runs
 * once: `embed` (knowledge/embed-jobs.ts) and `memory-extract`, one job per ended conversation,
 * `stately` per conversation (never two readers of one conversation at a time; extract.ts checks
 * again that it is still due before it reads). A conversation closed by /new queues its job at
 * once; one that went idle has no event, so a look every SWEEP_MS (one indexed query per tenant,
 * no pg-boss unless something is due) queues those — and, after an upgrade or downtime, whatever
 * ended meanwhile.
 */
import type { Logger } from "pino";
import { composeTools } from "../agent/compose-tools.ts";
import type { Tools } from "../agent/tools.ts";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import { tenants } from "../db/schema/index.ts";
import { embedderFor } from "../embeddings/model-folder.ts";
import type { JobEngine } from "../jobs/engine.ts";
import { EMBED_QUEUE, type EmbedJob, EmbedJobs } from "../knowledge/embed-jobs.ts";

type EmbedJobsHook = NonNullable<ConstructorParameters<typeof EmbedJobs>[0]["documentReady"]>;
import { Knowledge, knowledgeLimits } from "../knowledge/knowledge.ts";
import { explainSearch, hybridSearch, type SearchOptions } from "../knowledge/search.ts";
import { agentKnowledgeScope } from "../knowledge/scope.ts";
import { kbTools } from "../knowledge/tools.ts";
import type { LlmPool } from "../llm/pool.ts";
import type { BlobStore } from "../media/store.ts";
import { MemoryContext } from "../memory/context.ts";
import { dueForExtraction, extractConversation } from "../memory/extract.ts";
import { Memory } from "../memory/memory.ts";
import { memoryTools } from "../memory/tools.ts";
import { detectVectorStore, type VectorStore } from "../vectors/store.ts";

/** How often idle conversations are looked for (their extraction has no event to start it). */
const SWEEP_MS = 60_000;
export const EXTRACT_QUEUE = "memory-extract";
export interface ExtractJob {
  tenantId: string;
  conversationId: string;
}

export type Semantic = Awaited<ReturnType<typeof createSemantic>>;

export async function createSemantic(config: Config, db: Database, dataDir: string, log: Logger, engine: Pick<JobEngine, "define" | "send" | "settled">, hooks: { documentReady?: EmbedJobsHook; originals?: BlobStore } = {}) {
  const vectors: VectorStore = await detectVectorStore(db.driver.raw);
  const embedder = embedderFor({ ...config, data_dir: dataDir });
  // The HNSW index needs the model's dimension, known once the model is loaded.
  embedder.onReady = (dims) => vectors.prepare(db.driver.raw, dims);
  const jobs = new EmbedJobs({ db, embedder, vectors, log, jobs: engine, documentReady: hooks.documentReady });
  // One worker: inference is one model in one worker thread; a job runs its document's batches back to back.
  engine.define<EmbedJob>(EMBED_QUEUE, { policy: "stately", workers: 1, expireInSeconds: 1800, retryLimit: 5, retryDelay: 30, handler: jobs.work });
  const knowledge = new Knowledge(db, (tenantId, documentId) => jobs.queue(tenantId, documentId), knowledgeLimits(config.knowledge), hooks.originals);
  const memory = new Memory({ db, embedder, vectors, nudge: (tenantId) => void jobs.queue(tenantId) });
  const context = new MemoryContext({ db, memory, prices: config.llm.prices, log, recallTokens: config.memory.recall_tokens });
  const search = (tenantId: string, query: string, k = 5, opts: SearchOptions = {}) => hybridSearch({ db, embedder, vectors }, tenantId, query, k, opts);
  /** The same search with each side's ranks and scores (the console's hit testing). */
  const explain = (tenantId: string, query: string, k = 5, opts: SearchOptions = {}) => explainSearch({ db, embedder, vectors }, tenantId, query, k, opts);
  /** kb_search as an agent runs it: within the agent's knowledge scope, if it has one. */
  const agentSearch = async (tenantId: string, query: string, agentId: string) => {
    const scope = await agentKnowledgeScope(db, tenantId, agentId, { titles: false });
    return search(tenantId, query, 5, scope ? { documentIds: scope.documentIds } : {});
  };
  const tools: Tools = composeTools(kbTools(agentSearch), memoryTools(memory));

  let pool: Pick<LlmPool, "chat"> | null = null;
  engine.define<ExtractJob>(EXTRACT_QUEUE, {
    policy: "stately",
    expireInSeconds: 900,
    retryDelay: 60,
    handler: async (d) => {
      if (!pool) throw new Error("memory upkeep is not started");
      await extractConversation({ db, memory, prices: config.llm.prices, log, pool }, d.tenantId, d.conversationId, config.memory.idle_minutes);
    },
  });
  const queueExtraction = (tenantId: string, conversationId: string) => engine.send<ExtractJob>(EXTRACT_QUEUE, { tenantId, conversationId }, { singletonKey: conversationId });

  let timer: ReturnType<typeof setInterval> | null = null;
  let sweeping: Promise<number> | null = null;
  /** Queues the extraction of every ended conversation still to be read; returns how many were queued. */
  const sweep = (): Promise<number> =>
    (sweeping ??= (async () => {
      let n = 0;
      for (const t of await db.platform((tx) => tx.select({ id: tenants.id }).from(tenants)))
        for (const d of await dueForExtraction(db, t.id, config.memory.idle_minutes)) if (await queueExtraction(t.id, d.conversation_id)) n++;
      return n;
    })()
      .catch((e) => (log.warn({ err: e }, "memory sweep failed"), 0))
      .finally(() => (sweeping = null)));

  return {
    embedder,
    vectors,
    knowledge,
    memory,
    jobs,
    context,
    tools,
    search,
    agentSearch,
    explain,
    /** A conversation was closed (/new): queue the extraction of its facts. */
    conversationEnded: (tenantId: string, conversationId: string) =>
      void queueExtraction(tenantId, conversationId).catch((e) => log.warn({ err: e, conversation: conversationId }, "fact extraction could not be queued; the next sweep queues it")),
    /** Queues what is due now (the interval's work; tests). */
    sweep,
    /** Resolves once no extraction job is due or running (tests). */
    extracted: () => engine.settled(EXTRACT_QUEUE),
    async start(llm: Pick<LlmPool, "chat">) {
      pool = llm;
      await jobs.start();
      timer = setInterval(() => void sweep(), SWEEP_MS);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      jobs.stop();
      await sweeping;
      await context.idle();
      await embedder.close();
    },
  };
}
