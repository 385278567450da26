/**
 * The exact-scan fallback (external Postgres without pgvector) and pgvector's HNSW (PGlite) give the
 * same nearest neighbours on the same data, embedded by the real model.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import pino from "pino";
import { openSemantic, type TestSemantic as Semantic } from "../../test/support/semantic.ts";
import { validate } from "../config/load.ts";
import { tenants } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";

const TOPICS = ["invoices", "passwords", "holidays", "laptops", "parking", "coffee", "printers", "salaries", "security badges", "meeting rooms"];
const DOC = TOPICS.map((t, i) => `## ${t}\n\nThis section explains the company rules about ${t}. Rule ${i}: ask the office team about ${t} when in doubt.`).join("\n\n");
const QUERIES = ["where can I park my car", "I forgot my password", "how are salaries paid", "book a meeting room", "the printer is broken"];

let sides: { t: TestDatabase; s: Semantic; tenant: string }[] = [];

beforeAll(async () => {
  sides = await Promise.all(
    (["embedded", "external"] as const).map(async (kind) => {
      const t = await openTestDatabase(kind);
      const [row] = await t.db.platform((tx) => tx.insert(tenants).values({ slug: "acme", name: "Acme" }).returning({ id: tenants.id }));
      const s = await openSemantic(validate({ ...EMBEDDINGS_CONFIG, data_dir: t.dataDir }), t, pino({ level: "silent" }));
      await s.jobs.start();
      await s.knowledge.upload(row!.id, { filename: "rules.md", mime: "text/markdown", bytes: new TextEncoder().encode(DOC) });
      await s.jobs.drained();
      return { t, s, tenant: row!.id };
    }),
  );
});
afterAll(async () => {
  for (const { t, s } of sides) await s.stop().finally(() => t.cleanup());
});

test("exact scan and HNSW return the same top results, in the same order", async () => {
  expect(sides.map((x) => x.s.vectors.kind)).toEqual(["pgvector", "exact"]);
  for (const q of QUERIES) {
    const tops = await Promise.all(
      sides.map(async ({ t, s, tenant }) => {
        const [v] = await s.embedder.embed([q]);
        return t.db.withTenant(tenant, async (tx) => {
          const near = await s.vectors.nearest(tx, { table: "kb_chunks", tenantId: tenant, model: s.embedder.model, vector: v!, k: 5 });
          const sections = await rowsOf<{ id: string; section: string }>(tx, sql`select id, section from kb_chunks`);
          const byId = new Map(sections.map((r) => [r.id, r.section]));
          return near.map((n) => ({ section: byId.get(n.id), score: Number(n.score.toFixed(4)) }));
        });
      }),
    );
    expect(tops[0]).toHaveLength(5);
    expect({ q, top: tops[1] }).toEqual({ q, top: tops[0]! });
  }
});

test("a filter selecting few rows is scored exactly, one selecting more goes through the index: same answers either way", async () => {
  const { t, s, tenant } = sides[0]!;
  const filter = sql`section <> ''`;
  for (const q of QUERIES) {
    const [v] = await s.embedder.embed([q]);
    const near = (exactUpTo?: number) =>
      t.db.withTenant(tenant, (tx) => s.vectors.nearest(tx, { table: "kb_chunks", tenantId: tenant, model: s.embedder.model, vector: v!, k: 5, filter, ...(exactUpTo ? { exactUpTo } : {}) }));
    const rounded = (n: { id: string; score: number }[]) => n.map((x) => ({ id: x.id, score: Number(x.score.toFixed(4)) }));
    const [index, exact, tooMany] = [rounded(await near()), rounded(await near(100)), rounded(await near(3))];
    expect(index).toHaveLength(5);
    expect({ q, exact }).toEqual({ q, exact: index });
    expect({ q, tooMany }).toEqual({ q, tooMany: index });
  }
});

test("the HNSW index exists for the model's dimension and is used", async () => {
  const { t } = sides[0]!;
  const idx = await t.db.driver.raw.query<{ indexname: string }>("select indexname from pg_indexes where tablename in ('kb_chunks', 'memories') and indexname like '%hnsw%' order by 1");
  expect(idx.map((r) => r.indexname)).toEqual(["kb_chunks_hnsw_512", "memories_hnsw_512"]);
  const plan = await t.db.driver.raw.transaction(async (tx) => {
    await tx.query("set local enable_seqscan = off");
    return tx.query<{ "QUERY PLAN": string }>(
      `explain select id from kb_chunks where vector_dims(embedding) = 512 order by embedding::vector(512) <=> (select embedding::vector(512) from kb_chunks limit 1) limit 5`,
    );
  });
  expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain("kb_chunks_hnsw_512");
});

test("exact scan: vectors cached in process follow writes made elsewhere (another replica)", async () => {
  const { t, s, tenant } = sides[1]!;
  const [v] = await s.embedder.embed(["a brand new rule about bicycles in the office"]);
  const near = () => t.db.withTenant(tenant, (tx) => s.vectors.nearest(tx, { table: "kb_chunks", tenantId: tenant, model: s.embedder.model, vector: v!, k: 1 }));
  const before = await near();
  // Written straight into the table, as another replica would: the next query must see it.
  const [doc] = await t.db.withTenant(tenant, (tx) => rowsOf<{ id: string }>(tx, sql`select id from kb_documents limit 1`));
  const [row] = await t.db.withTenant(tenant, (tx) =>
    rowsOf<{ id: string }>(tx, sql`insert into kb_chunks (tenant_id, id, document_id, seq, section, content, model, embedding)
      values (${tenant}::uuid, gen_random_uuid(), ${doc!.id}::uuid, 999, 'bicycles', 'Bicycles may be parked in the basement.', ${s.embedder.model}, ${s.vectors.decodeSql(sql`${s.vectors.encode(v!)}`)}) returning id`),
  );
  const after = await near();
  expect(after[0]!.id).toBe(row!.id);
  expect(after[0]!.id).not.toBe(before[0]!.id);
  await t.db.withTenant(tenant, (tx) => rowsOf(tx, sql`delete from kb_chunks where id = ${row!.id}::uuid`));
  expect((await near())[0]!.id).toBe(before[0]!.id);
});

test("pgvector's text form of a vector reads back as exactly the same float32 values", async () => {
  const { t, s } = sides[0]!;
  const v = new Float32Array([0.1, -1e-8, 3.4028234e38, 1 / 3, -0.000123456789, 0]);
  const [row] = await t.db.driver.raw.query<{ v: string }>(`select ('${s.vectors.encode(v)}'::vector)::text as v`);
  expect(Float32Array.from(row!.v.slice(1, -1).split(",").map(Number))).toEqual(v);
});
