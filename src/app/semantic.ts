/**
 * Memory and knowledge, assembled (createApp owns one): the embedder (a worker, started on first
 * use), the vector store this database supports, the knowledge base, long-term memory, the
 * embedding job, the end-of-conversation fact extraction sweep, and what the agent gets from them —
 * the `kb_search` and `remember` tools and the turn context (recall, summary, citing).
 */
import type { Logger } from "pino";
import { composeTools } from "../agent/compose-tools.ts";
import type { Tools } from "../agent/tools.ts";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import { tenants } from "../db/schema/index.ts";
import { embedderFor } from "../embeddings/model-folder.ts";
import { EmbedJobs } from "../knowledge/embed-jobs.ts";

type EmbedJobsHook = NonNullable<ConstructorParameters<typeof EmbedJobs>[0]["documentReady"]>;
import { Knowledge, knowledgeLimits } from "../knowledge/knowledge.ts";
import { hybridSearch } from "../knowledge/search.ts";
import { kbTools } from "../knowledge/tools.ts";
import type { LlmPool } from "../llm/pool.ts";
import { MemoryContext } from "../memory/context.ts";
import { extractEnded } from "../memory/extract.ts";
import { Memory } from "../memory/memory.ts";
import { memoryTools } from "../memory/tools.ts";
import { detectVectorStore, type VectorStore } from "../vectors/store.ts";

/** How often ended (idle) conversations are looked for when nothing nudges the sweep. */
const SWEEP_MS = 60_000;

export type Semantic = Awaited<ReturnType<typeof createSemantic>>;

export async function createSemantic(config: Config, db: Database, dataDir: string, log: Logger, hooks: { documentReady?: EmbedJobsHook } = {}) {
  const vectors: VectorStore = await detectVectorStore(db.driver.raw);
  const embedder = embedderFor({ ...config, data_dir: dataDir });
  // The HNSW index needs the model's dimension, known once the model is loaded.
  embedder.onReady = (dims) => vectors.prepare(db.driver.raw, dims);
  const jobs = new EmbedJobs({ db, embedder, vectors, log, documentReady: hooks.documentReady });
  const knowledge = new Knowledge(db, () => jobs.nudge(), knowledgeLimits(config.knowledge));
  const memory = new Memory({ db, embedder, vectors, nudge: () => jobs.nudge() });
  const context = new MemoryContext({ db, memory, prices: config.llm.prices, log, recallTokens: config.memory.recall_tokens });
  const search = (tenantId: string, query: string, k = 5) => hybridSearch({ db, embedder, vectors }, tenantId, query, k);
  const tools: Tools = composeTools(kbTools(search), memoryTools(memory));

  let pool: Pick<LlmPool, "chat"> | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let sweeping: Promise<void> | null = null;
  const sweep = () => {
    if (sweeping || !pool) return sweeping ?? Promise.resolve();
    const p = pool;
    sweeping = (async () => {
      for (const t of await db.platform((tx) => tx.select({ id: tenants.id }).from(tenants)))
        await extractEnded({ db, memory, prices: config.llm.prices, log, pool: p }, t.id, config.memory.idle_minutes);
    })()
      .catch((e) => log.warn({ err: e }, "memory sweep failed"))
      .finally(() => (sweeping = null));
    return sweeping;
  };

  return {
    embedder,
    vectors,
    knowledge,
    memory,
    jobs,
    context,
    tools,
    search,
    /** A conversation was closed (/new): extract its facts soon. */
    conversationEnded: () => void sweep(),
    /** Runs the extraction sweep now (tests). */
    sweep,
    start(llm: Pick<LlmPool, "chat">) {
      pool = llm;
      jobs.start();
      timer = setInterval(() => void sweep(), SWEEP_MS);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await sweeping;
      await context.idle();
      await jobs.stop();
      await embedder.close();
    },
  };
}
