/**
 * Without a usable embedding model every upload and memory fails to embed: the documents end
 * `failed` with the reason, and the log says so once per cause at warn level — not one error line
 * per document, memory or round.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import { openSemantic } from "../../test/support/semantic.ts";
import { EMBED_QUEUE } from "./embed-jobs.ts";
import { validate } from "../config/load.ts";
import { agents, tenants } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { createLogger } from "../log/logger.ts";
import { eventually } from "../../test/support/app.ts";
import { openTestDatabase, type TestDatabase, tempDir } from "../../test/support/db.ts";

let t: TestDatabase;
let models: { path: string; remove(): void };
let tenant: string;
let agent: string;

beforeAll(async () => {
  t = await openTestDatabase("embedded");
  models = tempDir("konstruct-no-models-");
  [{ id: tenant }] = (await t.db.platform((tx) => tx.insert(tenants).values({ slug: "acme", name: "Acme" }).returning({ id: tenants.id }))) as [{ id: string }];
  agent = (await t.db.withTenant(tenant, (tx) => tx.insert(agents).values({ tenantId: tenant, slug: "ada", name: "Ada" }).returning({ id: agents.id })))[0]!.id;
}, 120_000);
afterAll(async () => {
  await t?.cleanup();
  models.remove();
});

test("no model: documents fail with the reason; one warning per cause, no error lines", async () => {
  const lines: { level: string; msg: string }[] = [];
  const log = createLogger("info", new Writable({ write: (chunk, _enc, cb) => (lines.push(JSON.parse(String(chunk))), cb()) }));
  // Not the built-in id: a model the admin has not installed.
  const config = validate({ data_dir: t.dataDir, embeddings: { models_dir: models.path, model: "acme/not-installed" } });
  const s = await openSemantic(config, t, log);
  await s.jobs.start();
  try {
    for (let i = 0; i < 4; i++) {
      const bytes = new TextEncoder().encode(`# Policy ${i}\n\n## Rule\n\nRule number ${i} says what to do on day ${i}.`);
      const { document } = await s.knowledge.upload(tenant, { filename: `p${i}.md`, mime: "text/markdown", bytes });
      await s.memory.remember(tenant, { agentId: agent, userKey: "u1", kind: "fact", content: `Fact number ${i}` });
      const status = () => t.db.withTenant(tenant, (tx) => rowsOf<{ status: string; error: string }>(tx, sql`select status, error from kb_documents where id = ${document.id}::uuid`));
      const [failed] = await eventually(async () => ((await status())[0]?.status === "failed" ? status() : null), 30_000, "document failed");
      expect(failed!.error).toContain("embedding model acme/not-installed");
    }
    // Unembedded memories keep their job failing and coming back: several more rounds.
    for (let i = 0; i < 3; i++) (await s.jobs.queue(tenant), await s.engine.settled(EMBED_QUEUE));
  } finally {
    await s.stop();
  }
  const about = lines.filter((l) => /embedding/.test(l.msg));
  expect(about.map((l) => [l.level, l.msg])).toEqual([["warn", "embedding failed"]]);
  expect(lines.filter((l) => l.level === "error")).toEqual([]);
}, 60_000);
