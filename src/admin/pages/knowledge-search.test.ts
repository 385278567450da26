/**
 * The retrieval test and document pages on both databases, with the real embedding model and two
 * tenants whose documents say nearly the same thing: acme's question finds acme's passages only,
 * with both sides' ranks and scores, in the order kb_search gets them; the document page shows the
 * chunks with their sections and the text; Re-index chunks and embeds the text again through the job;
 * an AI employee scoped to some documents gets only those from kb_search and from the retrieval test.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture, type Who } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { EMBEDDINGS_CONFIG } from "../../../test/support/models.ts";
import { kbDocuments } from "../../db/schema/index.ts";
import { agentKnowledgeScope } from "../../knowledge/scope.ts";
import { listAgents } from "../agents/save.ts";

const HANDBOOK = new Uint8Array(await Bun.file(`${import.meta.dir}/../../../test/fixtures/kb/handbook.md`).arrayBuffer());
// Globex's handbook answers the same question differently: if it ever showed for acme, the test sees "22 days".
const GLOBEX = new TextEncoder().encode("# Globex Handbook\n\n## Leave\n\n### Vacation\n\nEvery employee receives 22 days of paid vacation per calendar year.");
const Q = "How many days of paid vacation do employees get?";

describe.each(DB_KINDS)("retrieval test and document pages on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<Who, Browser>;
  let handbook: string;
  const ask = (b: Browser, form: Record<string, string>, query = "", htmx = true) =>
    b.fetch(`/admin/knowledge/search${query}`, { form: { k: "5", agent_id: "", ...form }, headers: htmx ? { "hx-request": "true" } : {} });

  beforeAll(async () => {
    f = await consoleFixture(kind, EMBEDDINGS_CONFIG);
    s = await f.sessions();
    const k = f.app().semantic.knowledge;
    handbook = (await k.upload(f.acme, { filename: "handbook.md", mime: "text/markdown", bytes: HANDBOOK })).document.id;
    await k.upload(f.globex, { filename: "globex.md", mime: "text/markdown", bytes: GLOBEX });
    await f.app().semantic.jobs.drained();
  });
  afterAll(() => f.cleanup());

  test("a tenant admin sees the passages kb_search returns, with both sides' ranks and scores, and none of another tenant's", async () => {
    const page = await (await s.tenantAdmin.fetch("/admin/knowledge/search")).text();
    expect(page).toContain(`hx-post="/admin/knowledge/search?tenant=${f.acme}"`);
    expect(page).toContain('name="_csrf"');
    expect((await s.tenantAdmin.fetch("/admin/knowledge/search", { form: { q: Q, k: "5" }, csrf: false })).status).toBe(403);

    const res = await ask(s.tenantAdmin, { q: Q });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html.startsWith('<section id="kb-hits"')).toBe(true); // the partial, not the layout
    expect(html).toContain("27 days of paid vacation");
    expect(html).not.toContain("22 days");
    expect(html).not.toContain("Globex");
    // The same passages, in the same order, as the tool's search.
    const tool = await f.app().semantic.search(f.acme, Q, 5);
    expect([...html.matchAll(/data-chunk="([0-9a-f-]+)"/g)].map((m) => m[1])).toEqual(tool.map((p) => p.chunkId));
    // The vacation passage: found by both sides, ranked first, with its section.
    const first = /<tr data-chunk="[^"]+"><td>1<\/td><td>([\d.]+)<\/td><td class="side-text">#(\d+) · ([\d.]+)<\/td><td class="side-vector">#(\d+) · ([\d.]+)<\/td><td>(.*?)<\/td><td>(.*?)<\/td>/.exec(html);
    expect(first).not.toBeNull();
    expect(first![7]).toContain("27 days");
    expect(first![6]).toContain("Leave &gt; Vacation");
    expect(Number(first![1])).toBeCloseTo(1 / (60 + Number(first![2])) + 1 / (60 + Number(first![4])), 4);
    expect(Number(first![3])).toBeGreaterThan(0);
    expect(Number(first![5])).toBeGreaterThan(0.2);

    // Globex's admin (and the platform admin picking globex) gets globex's answer only.
    for (const [b, query] of [[s.otherAdmin, ""], [s.platformAdmin, `?tenant=${f.globex}`]] as const) {
      const theirs = await (await ask(b, { q: Q }, query)).text();
      expect(theirs).toContain("22 days");
      expect(theirs).not.toContain("27 days");
    }
  });

  test("operators may ask; other tenants' admins may not; the question is bounded", async () => {
    expect(await (await ask(s.operator, { q: Q })).text()).toContain("27 days");
    expect((await ask(s.otherAdmin, { q: Q }, `?tenant=${f.acme}`)).status).toBe(403);
    expect((await ask(s.operator, { q: Q }, "", false)).status).toBe(200);
    const long = await ask(s.tenantAdmin, { q: "vacation ".repeat(100) }, "", false);
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("at most 500 characters");
    expect(await (await ask(s.tenantAdmin, { q: "vacation ".repeat(100) })).text()).toContain("at most 500 characters");
    expect((await ask(s.tenantAdmin, { q: Q, k: "1000" }, "", false)).status).toBe(400);
    expect((await ask(s.tenantAdmin, { q: Q, agent_id: crypto.randomUUID() }, "", false)).status).toBe(400);
  });

  test("the document page shows chunks with sections and the text; another tenant's id is 404", async () => {
    const html = await (await s.operator.fetch(`/admin/knowledge/${handbook}`)).text();
    expect(html).toContain("Northwind Employee Handbook");
    expect(html).toContain("Northwind Employee Handbook &gt; Leave &gt; Parental leave");
    expect(html).toContain("18 weeks of fully paid parental leave");
    expect(html).toContain("## Working hours"); // the extracted Markdown
    expect(html).not.toContain("/reindex"); // operators read only
    expect(html).not.toContain("waiting");
    expect((await s.otherAdmin.fetch(`/admin/knowledge/${handbook}`)).status).toBe(404);
    expect((await s.tenantAdmin.fetch(`/admin/knowledge/${handbook}?page=999999&text=-5`)).status).toBe(200);
    // A long document comes a part of its text and a page of chunks at a time.
    const filler = Array.from({ length: 500 }, (_, i) => `Sentence ${i} of the long appendix repeats itself on purpose.`).join(" ");
    const long = await f.app().semantic.knowledge.upload(f.globex, { filename: "appendix.md", mime: "text/markdown", bytes: new TextEncoder().encode(`# Appendix\n\n${filler} THE END.`) });
    const part1 = await (await s.otherAdmin.fetch(`/admin/knowledge/${long.document.id}`)).text();
    expect(part1).toContain("Part 1 of 2.");
    expect(part1).not.toContain("THE END");
    expect(part1).toContain(`page=2`); // more than 50 chunks
    expect((part1.match(/<tr id="chunk-/g) ?? []).length).toBe(50);
    const part2 = await (await s.otherAdmin.fetch(`/admin/knowledge/${long.document.id}?text=2&page=2`)).text();
    expect(part2).toContain("THE END");
    expect(part2).not.toContain("Sentence 1 of the long");
  });

  test("Re-index chunks and embeds the document again through the job; operators are refused", async () => {
    const sem = f.app().semantic;
    expect((await s.operator.fetch(`/admin/knowledge/${handbook}/reindex`, { method: "POST" })).status).toBe(403);
    expect((await s.otherAdmin.fetch(`/admin/knowledge/${handbook}/reindex?tenant=${f.acme}`, { method: "POST" })).status).toBe(403);
    const before = (await sem.search(f.acme, Q, 5)).map((p) => p.chunkId);
    const page = await s.tenantAdmin.fetch(`/admin/knowledge/${handbook}`);
    expect(await page.text()).toContain(`/admin/knowledge/${handbook}/reindex`);
    const res = await s.tenantAdmin.fetch(`/admin/knowledge/${handbook}/reindex`, { method: "POST" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("flash=kb_reindexed");
    const queued = await sem.knowledge.get(f.acme, handbook);
    expect(queued!.chunksDone).toBe(0);
    await sem.jobs.drained();
    const doc = await sem.knowledge.get(f.acme, handbook);
    expect([doc!.status, doc!.chunksDone]).toEqual(["ready", doc!.chunksTotal]);
    const after = await sem.search(f.acme, Q, 5);
    expect(after[0]!.content).toContain("27 days");
    // New chunk rows, none shared with the old ones.
    expect(after.map((p) => p.chunkId).filter((id) => before.includes(id))).toEqual([]);
    expect((await s.tenantAdmin.fetch(`/admin/knowledge/${crypto.randomUUID()}/reindex`, { method: "POST" })).status).toBe(404);
    // Two re-indexes at once (two admins, two replicas) end with one complete set of chunks.
    await Promise.all([sem.knowledge.reindex(f.acme, handbook), sem.knowledge.reindex(f.acme, handbook)]);
    await sem.jobs.drained();
    const twice = await sem.knowledge.get(f.acme, handbook);
    expect([twice!.status, twice!.chunksDone]).toEqual(["ready", doc!.chunksTotal]);
    expect((await sem.search(f.acme, Q, 5))[0]!.content).toContain("27 days");
  });

  test("Re-extract reads the stored original again (the text is restored from the file); operators and other tenants are refused", async () => {
    const sem = f.app().semantic;
    expect((await s.operator.fetch(`/admin/knowledge/${handbook}/reextract`, { method: "POST" })).status).toBe(403);
    expect((await s.otherAdmin.fetch(`/admin/knowledge/${handbook}/reextract?tenant=${f.acme}`, { method: "POST" })).status).toBe(403);
    expect(await (await s.operator.fetch(`/admin/knowledge/${handbook}`)).text()).not.toContain("/reextract");
    expect(await (await s.tenantAdmin.fetch(`/admin/knowledge/${handbook}`)).text()).toContain(`/admin/knowledge/${handbook}/reextract`);
    // The stored text drifts from the file (an older extractor, say); re-extraction reads the original again.
    await f.app().db.withTenant(f.acme, (tx) => tx.update(kbDocuments).set({ body: "# Stale\n\nNothing here." }).where(eq(kbDocuments.id, handbook)));
    const res = await s.tenantAdmin.fetch(`/admin/knowledge/${handbook}/reextract`, { method: "POST" });
    expect([res.status, res.headers.get("location")?.includes("flash=kb_reextracted")]).toEqual([303, true]);
    await sem.jobs.drained();
    const [doc] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(kbDocuments).where(eq(kbDocuments.id, handbook)));
    expect(doc!.body).toContain("27 days");
    expect([doc!.status, doc!.chunksDone]).toEqual(["ready", doc!.chunksTotal]);
    expect((await sem.search(f.acme, Q, 5))[0]!.content).toContain("27 days");
  });

  test("an AI employee scoped to some documents reads only those, in kb_search and in the retrieval test", async () => {
    const sem = f.app().semantic;
    const parking = (await sem.knowledge.upload(f.acme, { filename: "parking.md", mime: "text/markdown", bytes: new TextEncoder().encode("# Parking\n\nThe garage opens at 7:00 and visitors park on level 2.") })).document.id;
    const globexDoc = (await sem.knowledge.list(f.globex))[0]!.id;
    await sem.jobs.drained();
    const ada = (await listAgents(f.app().db, f.acme)).find((a) => a.slug === "ada")!.id;
    const kbSearch = async (query: string) => String(await sem.tools.run({ id: "c1", name: "kb_search", arguments: { query } }, { tenantId: f.acme, agentId: ada, conversationId: crypto.randomUUID() }));
    expect(await kbSearch(Q)).toContain("27 days");

    expect((await s.operator.fetch(`/admin/knowledge/agents/${ada}`)).status).toBe(403);
    expect((await s.otherAdmin.fetch(`/admin/knowledge/agents/${ada}?tenant=${f.acme}`, { form: { mode: "all" } })).status).toBe(403);
    expect(await (await s.tenantAdmin.fetch(`/admin/knowledge/agents/${ada}`)).text()).toContain(`value="${parking}"`);
    const body = new URLSearchParams([["mode", "some"], ["documents", parking], ["documents", globexDoc]]);
    const saved = await s.tenantAdmin.fetch(`/admin/knowledge/agents/${ada}`, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(saved.status).toBe(303);
    // Another tenant's document id is dropped: only acme's parking document is in the scope.
    expect((await agentKnowledgeScope(f.app().db, f.acme, ada))?.documentIds).toEqual([parking]);
    expect(await (await s.tenantAdmin.fetch("/admin/knowledge")).text()).toContain("Ada</a>: 1 document</li>");

    const scoped = await kbSearch(Q);
    expect(scoped).not.toContain("27 days");
    expect(await kbSearch("When does the garage open?")).toContain("7:00");
    const hits = await (await ask(s.tenantAdmin, { q: Q, agent_id: ada })).text();
    expect(hits).toContain("Ada may use 1 document(s): Parking.");
    expect(hits).not.toContain("27 days");
    expect(hits).toContain("garage opens at 7:00");
    // Without the agent, the whole knowledge base again.
    expect(await (await ask(s.tenantAdmin, { q: Q })).text()).toContain("27 days");

    await s.tenantAdmin.fetch(`/admin/knowledge/agents/${ada}`, { form: { mode: "all" } });
    expect(await agentKnowledgeScope(f.app().db, f.acme, ada)).toBeUndefined();
    expect(await kbSearch(Q)).toContain("27 days");
  });
});
