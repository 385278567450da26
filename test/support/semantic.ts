/**
 * Memory and knowledge outside the app (unit tests, benchmarks), with the job engine of their own
 * that createApp would give them: the same queues on the same database, stopped with them.
 */
import type { Logger } from "pino";
import { createSemantic } from "../../src/app/semantic.ts";
import type { Config } from "../../src/config/schema.ts";
import type { Database } from "../../src/db/database.ts";
import { JobEngine } from "../../src/jobs/engine.ts";

export type TestSemantic = Awaited<ReturnType<typeof openSemantic>>;

export async function openSemantic(config: Config, t: { db: Database; url: string; dataDir: string }, log: Logger, hooks: Parameters<typeof createSemantic>[5] = {}) {
  const engine = new JobEngine({ db: t.db, url: t.url, pollSeconds: 0.5, log });
  const s = await createSemantic(config, t.db, t.dataDir, log, engine, hooks);
  const stopSemantic = s.stop;
  return Object.assign(s, {
    engine,
    /** As createApp stops them: a running embedding job ends after its batch, the engine, then the rest. */
    async stop() {
      s.jobs.stop();
      await engine.stop();
      await stopSemantic();
    },
  });
}
