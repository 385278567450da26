/**
 * The knowledge base on both databases with the real embedding model: upload → chunks embedded by
 * the durable job → hybrid search with citations; duplicates are no-ops; delete removes chunks; two
 * tenants never see each other's documents (every query runs as the unprivileged app role). The same
 * handbook as PDF, DOCX and Markdown is one document, and kb_search cites the untagged PDF's sections.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import pino from "pino";
import { openSemantic, type TestSemantic as Semantic } from "../../test/support/semantic.ts";
import { validate } from "../config/load.ts";
import { tenants } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";

const HANDBOOK = new Uint8Array(await Bun.file(`${import.meta.dir}/../../test/fixtures/kb/handbook.md`).arrayBuffer());
const MANUAL = (ext: string) => Bun.file(`${import.meta.dir}/../../test/fixtures/kb/formats/manual.${ext}`).bytes();
const COOKBOOK = new TextEncoder().encode("# Globex Cookbook\n\n## Bread\n\nKnead the dough for ten minutes, then let it rise for two hours in a warm place.\n\n## Soup\n\nSimmer the vegetables for forty minutes and season with salt.");

describe.each(DB_KINDS)("knowledge base on %s Postgres", (kind) => {
  let t: TestDatabase;
  let s: Semantic;
  let A: string;
  let B: string;
  /** What the documentReady hook (event triggers' `document.ready`) was told. */
  const ready: [string, string][] = [];

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    [A, B] = await t.db.platform(async (tx) =>
      (await tx.insert(tenants).values([{ slug: "acme", name: "Acme" }, { slug: "globex", name: "Globex" }]).returning({ id: tenants.id })).map((r) => r.id),
    ) as [string, string];
    s = await openSemantic(validate({ ...EMBEDDINGS_CONFIG, data_dir: t.dataDir }), t, pino({ level: "silent" }), { documentReady: (tenant, d) => void ready.push([tenant, d.title]) });
    await s.jobs.start();
  });
  afterAll(async () => {
    await s.stop();
    await t.cleanup();
  });

  test("the vector store matches the server: HNSW on PGlite, exact scan without pgvector", () => {
    expect(s.vectors.kind).toBe(kind === "embedded" ? "pgvector" : "exact");
  });

  test("upload: stored, chunked by headings, embedded by the job with progress to 100%", async () => {
    const { document, duplicate } = await s.knowledge.upload(A, { filename: "handbook.md", mime: "text/markdown", bytes: HANDBOOK });
    expect(duplicate).toBe(false);
    expect(document.title).toBe("Northwind Employee Handbook");
    expect(document.chunksTotal).toBeGreaterThanOrEqual(7);
    await s.knowledge.upload(B, { filename: "cookbook.md", mime: "text/markdown", bytes: COOKBOOK });
    await s.jobs.drained();
    const [doc] = await s.knowledge.list(A);
    expect({ status: doc!.status, progress: doc!.progress, done: doc!.chunksDone }).toEqual({ status: "ready", progress: 100, done: document.chunksTotal });
    expect(ready.sort()).toEqual([[A, "Northwind Employee Handbook"], [B, "Globex Cookbook"]].sort() as [string, string][]);
    const sections = await t.db.withTenant(A, (tx) => rowsOf<{ section: string }>(tx, sql`select section from kb_chunks order by seq`));
    expect(sections.map((r) => r.section)).toContain("Northwind Employee Handbook > Leave > Parental leave");
  });

  test("hybrid search finds the passage that answers, with title and section to cite", async () => {
    const cases: [string, string][] = [
      ["How many weeks of parental leave do parents get?", "Parental leave"],
      ["What is the hotel limit per night when travelling?", "Expenses"],
      ["When do I need a doctor's note if I am ill?", "Sick leave"],
      ["Can I work from home?", "Working hours"],
    ];
    for (const [q, section] of cases) {
      const [top] = await s.search(A, q, 5);
      expect({ q, section: top?.section.split(" > ").at(-1), title: top?.title }).toEqual({ q, section, title: "Northwind Employee Handbook" });
    }
  });

  test("the same content uploaded again is a no-op", async () => {
    const before = await t.db.withTenant(A, (tx) => rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from kb_chunks`));
    const again = await s.knowledge.upload(A, { filename: "copy-of-handbook.md", mime: "text/markdown", bytes: HANDBOOK });
    expect(again.duplicate).toBe(true);
    expect(await s.knowledge.list(A)).toHaveLength(1);
    expect(await t.db.withTenant(A, (tx) => rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from kb_chunks`))).toEqual(before);
  });

  test("two tenants never see each other's documents or passages", async () => {
    expect((await s.knowledge.list(B)).map((d) => d.title)).toEqual(["Globex Cookbook"]);
    const fromB = await s.search(B, "How many weeks of parental leave do parents get?", 5);
    expect(fromB.every((p) => p.title === "Globex Cookbook")).toBe(true);
    const fromA = await s.search(A, "how long should the bread dough rise", 5);
    expect(fromA.every((p) => p.title === "Northwind Employee Handbook")).toBe(true);
    const [docB] = await s.knowledge.list(B);
    expect(await s.knowledge.get(A, docB!.id)).toBeNull();
    expect(await s.knowledge.remove(A, docB!.id)).toBe(false);
    expect(await s.knowledge.list(B)).toHaveLength(1);
  });

  test("delete removes the document and its chunks", async () => {
    const [doc] = await s.knowledge.list(B);
    expect(await s.knowledge.remove(B, doc!.id)).toBe(true);
    expect(await t.db.withTenant(B, (tx) => rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from kb_chunks`))).toEqual([{ n: 0 }]);
    expect(await s.search(B, "bread dough", 5)).toEqual([]);
  });
  test("the same handbook as PDF, DOCX and Markdown is one document; kb_search cites the PDF's sections", async () => {
    const [C] = await t.db.platform(async (tx) => (await tx.insert(tenants).values({ slug: "initech", name: "Initech" }).returning({ id: tenants.id })).map((r) => r.id));
    const pdf = await s.knowledge.upload(C!, { filename: "manual.pdf", mime: "application/pdf", bytes: await MANUAL("pdf") });
    expect(pdf.duplicate).toBe(false);
    for (const ext of ["docx", "md", "html"]) expect((await s.knowledge.upload(C!, { filename: `manual.${ext}`, mime: "", bytes: await MANUAL(ext) })).duplicate).toBe(true);
    await s.jobs.drained();
    const kbSearch = async (query: string) => String(await s.tools.run({ id: "c1", name: "kb_search", arguments: { query } }, { tenantId: C!, agentId: crypto.randomUUID(), conversationId: crypto.randomUUID() }));
    expect(await kbSearch("What does a glove marked with a star mean?")).toStartWith("[1] Field Service Manual — Safety > Protective gear\n");
    expect(await kbSearch("How much does a repair cost per hour?")).toContain("Field Service Manual — Visits > Rates\n");

    // A document stored before normalized hashing (keyed by its extracted text) is still found again.
    await t.db.withTenant(C!, (tx) => rowsOf(tx, sql`update kb_documents set content_hash = encode(sha256(convert_to(body, 'UTF8')), 'hex')`));
    expect((await s.knowledge.upload(C!, { filename: "manual-again.pdf", mime: "application/pdf", bytes: await MANUAL("pdf") })).duplicate).toBe(true);
    expect(await s.knowledge.list(C!)).toHaveLength(1);
  });
});
