/**
 * Embedding on the job engine, on both databases, with the real model: an upload queues its
 * document's job; with two replicas (two engines and embedders on one database) every chunk is
 * embedded exactly once and the document ends ready; and what was stored before the job engine
 * (a document's chunks and a memory with no job at all) is queued by start() and embedded.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import pino from "pino";
import { validate } from "../config/load.ts";
import { agents, tenants } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";
import { openSemantic, type TestSemantic } from "../../test/support/semantic.ts";
import { EMBED_QUEUE } from "./embed-jobs.ts";
import { Knowledge } from "./knowledge.ts";

const log = pino({ level: "silent" });
const HANDBOOK = new Uint8Array(await Bun.file(`${import.meta.dir}/../../test/fixtures/kb/handbook.md`).arrayBuffer());
const doc = (n: number) => new TextEncoder().encode(Array.from({ length: 12 }, (_, i) => `## Rule ${n}.${i}\n\nRule ${i} of book ${n}: file the form ${i} with the office before day ${i + n}.`).join("\n\n"));

describe.each(DB_KINDS)("embedding jobs on %s Postgres", (kind) => {
  let t: TestDatabase;
  let a: TestSemantic;
  let b: TestSemantic;
  let tenantId: string;
  let agentId: string;
  /** Texts each replica's embedder was given for bulk (job) work. */
  const embedded = { a: [] as string[], b: [] as string[] };

  const jobs = (key: string) => t.db.driver.raw.query<{ state: string }>(`select state::text from pgboss.job where name = $1 and singleton_key = $2`, [EMBED_QUEUE, key]);
  const status = (id: string) => t.db.withTenant(tenantId, (tx) => rowsOf<{ status: string; chunks_done: number; chunks_total: number }>(tx, sql`select status, chunks_done, chunks_total from kb_documents where id = ${id}::uuid`));

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    [{ id: tenantId }] = (await t.db.platform((tx) => tx.insert(tenants).values({ slug: "acme", name: "Acme" }).returning({ id: tenants.id }))) as [{ id: string }];
    agentId = (await t.db.withTenant(tenantId, (tx) => tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada" }).returning()))[0]!.id;
    const config = validate({ ...EMBEDDINGS_CONFIG, data_dir: t.dataDir });
    a = await openSemantic(config, t, log);
    b = await openSemantic(config, t, log);
    for (const [name, s] of [["a", a], ["b", b]] as const) {
      const embed = s.embedder.embed.bind(s.embedder);
      s.embedder.embed = (texts, priority) => (priority === "bulk" && embedded[name].push(...texts), embed(texts, priority));
    }
    await a.jobs.start();
    await b.jobs.start();
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await t.cleanup();
  });

  test("an upload queues its document's job; the document is embedded and ready", async () => {
    const { document } = await a.knowledge.upload(tenantId, { filename: "handbook.md", mime: "text/markdown", bytes: HANDBOOK });
    expect((await jobs(`doc:${document.id}`)).length).toBe(1);
    await a.jobs.drained();
    expect(await status(document.id)).toEqual([{ status: "ready", chunks_done: document.chunksTotal, chunks_total: document.chunksTotal }]);
    expect((await jobs(`doc:${document.id}`)).map((j) => j.state)).toEqual(["completed"]);
  }, 60_000);

  test("two replicas, several documents: every chunk is embedded exactly once", async () => {
    embedded.a.length = embedded.b.length = 0;
    // Uploads through both replicas; each replica's worker takes whichever job it claims first.
    const docs = [];
    for (let i = 0; i < 4; i++) docs.push((await (i % 2 ? b : a).knowledge.upload(tenantId, { filename: `book${i}.md`, mime: "text/markdown", bytes: doc(i) })).document);
    // Queued again from the other replica while they wait or run (a restart's start(), a retried upload): no second embedding.
    await b.jobs.start();
    await a.jobs.start();
    await a.jobs.drained();
    await Promise.all([a.engine.settled(EMBED_QUEUE), b.engine.settled(EMBED_QUEUE)]);
    const total = docs.reduce((n, d) => n + d.chunksTotal, 0);
    const all = [...embedded.a, ...embedded.b];
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    for (const d of docs) expect((await status(d.id))[0]!.status).toBe("ready");
  }, 90_000);

  test("stored before the job engine (no job): start() queues the document and the memories, and they are embedded", async () => {
    // As an upgrade finds them: a document's chunks and a memory, never embedded, with no job.
    const { document } = await new Knowledge(t.db).upload(tenantId, { filename: "old.md", mime: "text/markdown", bytes: doc(9) });
    await t.db.withTenant(tenantId, (tx) =>
      rowsOf(tx, sql`insert into memories (tenant_id, agent_id, user_key, kind, content, content_hash) values (${tenantId}::uuid, ${agentId}::uuid, 'u1', 'fact', 'Likes window seats', 'h-old')`),
    );
    expect(await jobs(`doc:${document.id}`)).toEqual([]);
    expect(await a.jobs.start()).toBe(2);
    await a.jobs.drained();
    expect((await status(document.id))[0]!.status).toBe("ready");
    expect((await a.memory.recall(tenantId, { agentId, userKey: "u1", query: "window seat", budgetTokens: 50 })).map((m) => m.content)).toContain("Likes window seats");
    expect(await a.jobs.start()).toBe(0);
  }, 60_000);
});
