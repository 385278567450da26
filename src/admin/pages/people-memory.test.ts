/**
 * Editing a memory on the People page, on both databases with two tenants and the real embedding
 * model: the new text replaces the old, is embedded again (recall finds it by what it says now, and
 * no longer by the old words), and the change is audited by its editor without the text. Empty text,
 * a duplicate, no CSRF token, an operator and another tenant's admin change nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { EMBEDDINGS_CONFIG } from "../../../test/support/models.ts";
import { agents, auditLog, memories } from "../../db/schema/index.ts";

describe.each(DB_KINDS)("editing a memory on the People page on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let agentId = "";
  let id = "";
  let other = "";
  const USER = "tg:4711";

  beforeAll(async () => {
    f = await consoleFixture(kind, EMBEDDINGS_CONFIG);
    s = await f.sessions();
    agentId = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, "ada"))))[0]!.id;
    const memory = f.app().semantic.memory;
    id = (await memory.remember(f.acme, { agentId, userKey: USER, kind: "fact", content: "Prefers window seats on trains" })).id;
    other = (await memory.remember(f.acme, { agentId, userKey: USER, kind: "fact", content: "Works in the Berlin office" })).id;
  }, 120_000);
  afterAll(() => f.cleanup());

  const path = (m = id) => `/admin/people/memories/${m}?tenant=${f.acme}&user=${encodeURIComponent(USER)}`;
  const row = async () => (await f.app().db.withTenant(f.acme, (tx) => tx.select().from(memories).where(eq(memories.id, id))))[0]!;
  const recall = (query: string) => f.app().semantic.memory.recall(f.acme, { agentId, userKey: USER, query, budgetTokens: 30 });

  test("the page offers Edit with the current text; a save replaces it, re-embeds it, and is audited without the text", async () => {
    const page = await (await s.tenantAdmin!.fetch(`/admin/people?tenant=${f.acme}&user=${encodeURIComponent(USER)}`)).text();
    expect(page).toContain(`action="${path()}"`);
    expect(page).toMatch(/<textarea[^>]*name="content"[^>]*>Prefers window seats on trains<\/textarea>/);
    expect((await recall("window seat"))[0]?.id).toBe(id);
    const res = await s.tenantAdmin!.fetch(path(), { form: { content: "  Allergic to   peanuts " } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("flash=memory_edited");
    const r = await row();
    expect([r.content, r.userKey, r.agentId]).toEqual(["Allergic to peanuts", USER, agentId]);
    expect((await recall("peanut allergy"))[0]?.id).toBe(id);
    expect((await recall("window seat")).map((m) => m.content)).not.toContain("Prefers window seats on trains");
    const trail = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "privacy.memory_edit")));
    expect(trail.map((a) => [a.actor, a.agentId, (a.data as { memory: string }).memory])).toEqual([["admin@acme.test", agentId, id]]);
    expect(JSON.stringify(trail)).not.toContain("peanut");
  });

  test("empty text and a duplicate of another memory are refused next to the memory; nothing changes", async () => {
    const empty = await s.tenantAdmin!.fetch(path(), { form: { content: "   " } });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("or delete the memory");
    const dup = await s.tenantAdmin!.fetch(path(), { form: { content: "works in the berlin office" } });
    expect(dup.status).toBe(400);
    expect(await dup.text()).toContain("already says this");
    expect((await row()).content).toBe("Allergic to peanuts");
    expect(other).not.toBe(id);
  });

  test("no CSRF token, an operator, another tenant's admin, or another person's id: nothing changes", async () => {
    expect((await s.tenantAdmin!.fetch(path(), { form: { content: "x1" }, csrf: false })).status).toBe(403);
    expect((await s.operator!.fetch(path(), { form: { content: "x2" } })).status).toBe(403);
    expect((await s.otherAdmin!.fetch(path(), { form: { content: "x3" } })).status).toBe(403);
    expect((await s.otherAdmin!.fetch(`/admin/people/memories/${id}?tenant=${f.globex}&user=${encodeURIComponent(USER)}`, { form: { content: "x4" } })).status).toBe(404);
    expect((await s.tenantAdmin!.fetch(`/admin/people/memories/${id}?tenant=${f.acme}&user=someone-else`, { form: { content: "x5" } })).status).toBe(404);
    expect((await row()).content).toBe("Allergic to peanuts");
    const globex = await f.app().db.withTenant(f.globex, (tx) => tx.select().from(memories).where(and(eq(memories.id, id))));
    expect(globex).toHaveLength(0);
  });
});
