/**
 * Changing embeddings.model re-embeds what is stored instead of mixing vector spaces: search reads
 * only the configured model's vectors, and the job brings every chunk and memory over. The second
 * "model" is a copy of the test model under another id (only one real model is available offline).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import pino from "pino";
import { openSemantic } from "../../test/support/semantic.ts";
import { validate } from "../config/load.ts";
import { agents, tenants } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { openTestDatabase, type TestDatabase, tempDir } from "../../test/support/db.ts";
import { MODELS_DIR, TEST_MODEL } from "../../test/support/models.ts";

let t: TestDatabase;
let models: { path: string; remove(): void };
let tenant: string;
let agent: string;
const config = (model: string) => validate({ data_dir: t.dataDir, embeddings: { models_dir: models.path, model } });
const byModel = () => t.db.withTenant(tenant, (tx) => rowsOf<{ t: string; model: string; n: number }>(tx, sql`
  select 'chunks' as t, model, count(*)::int as n from kb_chunks group by model
  union all select 'memories', model, count(*)::int from memories group by model order by 1, 2`));

beforeAll(async () => {
  t = await openTestDatabase("embedded");
  models = tempDir("konstruct-models-");
  cpSync(join(MODELS_DIR, TEST_MODEL), join(models.path, TEST_MODEL), { recursive: true });
  cpSync(join(MODELS_DIR, TEST_MODEL), join(models.path, "acme/use-lite-copy"), { recursive: true });
  [{ id: tenant }] = (await t.db.platform((tx) => tx.insert(tenants).values({ slug: "acme", name: "Acme" }).returning({ id: tenants.id }))) as [{ id: string }];
  agent = (await t.db.withTenant(tenant, (tx) => tx.insert(agents).values({ tenantId: tenant, slug: "ada", name: "Ada" }).returning({ id: agents.id })))[0]!.id;
});
afterAll(async () => {
  await t.cleanup();
  models.remove();
});

test("a new model: old vectors are not searched, the job re-embeds chunks and memories", async () => {
  const first = await openSemantic(config(TEST_MODEL), t, pino({ level: "silent" }));
  await first.jobs.start();
  const bytes = new Uint8Array(await Bun.file(`${import.meta.dir}/../../test/fixtures/kb/handbook.md`).arrayBuffer());
  const { document } = await first.knowledge.upload(tenant, { filename: "handbook.md", mime: "text/markdown", bytes });
  await first.memory.remember(tenant, { agentId: agent, userKey: "u1", kind: "fact", content: "Maria prefers PDF reports" });
  await first.jobs.drained();
  await first.stop();
  expect(await byModel()).toEqual([{ t: "chunks", model: TEST_MODEL, n: document.chunksTotal }, { t: "memories", model: TEST_MODEL, n: 1 }]);

  const second = await openSemantic(config("acme/use-lite-copy"), t, pino({ level: "silent" }));
  // Before the job runs: nothing of the old model's vector space is returned by the vector side.
  const [v] = await second.embedder.embed(["parental leave"]);
  const near = await t.db.withTenant(tenant, (tx) => second.vectors.nearest(tx, { table: "kb_chunks", tenantId: tenant, model: second.embedder.model, vector: v!, k: 5 }));
  expect(near).toEqual([]);
  await second.jobs.start();
  await second.jobs.drained();
  expect(await byModel()).toEqual([{ t: "chunks", model: "acme/use-lite-copy", n: document.chunksTotal }, { t: "memories", model: "acme/use-lite-copy", n: 1 }]);
  const [top] = await second.search(tenant, "How many weeks of parental leave do parents get?");
  expect(top!.section).toEndWith("Parental leave");
  expect((await second.memory.recall(tenant, { agentId: agent, userKey: "u1", query: "report format", budgetTokens: 100 }))[0]!.content).toBe("Maria prefers PDF reports");
  await second.stop();
});
