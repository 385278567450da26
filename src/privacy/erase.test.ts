/**
 * "Erase this person" end to end on both databases, two tenants. Jane and Bob talk to acme's AI
 * employee through the real /v1 API (alone, and together in one shared conversation); Jane also talks
 * to globex's. The console shows what Ada remembers of Jane, exports her data, refuses to erase
 * without the confirmation (and to another tenant's admin), then erases. The check discovers the
 * tenant tables from the schema (TENANT_TABLES) and their person columns from information_schema:
 * nothing of Jane — her id or her words — remains in any row of acme, and the files she sent are gone
 * from disk unless Bob sent the same bytes; Bob's data and globex's Jane are untouched; the erasure is
 * audited without naming her.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture, type Who } from "../../test/support/admin.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { createApiKey } from "../openai/keys.ts";
import { agents, auditLog, memories, TENANT_TABLES } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { ADAPTERS } from "../gateway/gateway.ts";
import { AttachmentStore } from "../media/attachments.ts";
import { WindowCache } from "../agent/window-cache.ts";
import { DirBlobStore } from "../media/store.ts";

// The API's sender id is `api:<user>` (src/openai/turn.ts); the scans look for the bare user too.
const JANE = "api:jane@people.test";
const BOB = "api:bob@people.test";
const user = (id: string) => id.slice(4);
const PERSON_COLUMN = /user|sender|actor|requested_by|decided_by|chat_key|owner/;

describe.each(DB_KINDS)("erasing a person on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<Who, Browser>;
  let llm: LlmMock;
  const keys: Record<string, string> = {};
  let files: AttachmentStore;
  const blobs: Record<string, string> = {};
  const MENU = new TextEncoder().encode("Canteen menu: soup on Mondays");
  const blobAt = (tenantId: string, hash: string) => existsSync(join(f.t.dataDir, "attachments", tenantId, hash.slice(0, 2), hash));
  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Noted.");
    const tenants = [
      { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"] }] },
      { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/m"] }] },
    ];
    f = await consoleFixture(kind, { llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] }, tenants }, { adapters: { webchat: ADAPTERS.webchat!, api: ADAPTERS.api! } });
    s = await f.sessions();
    files = new AttachmentStore(f.app().db, new DirBlobStore(f.t.dataDir));
    keys.acme = (await createApiKey(f.app().db, { tenantId: f.acme, agentId: null, name: "k", createdBy: null })).key;
    keys.globex = (await createApiKey(f.app().db, { tenantId: f.globex, agentId: null, name: "k", createdBy: null })).key;
    const say = async (tenant: "acme" | "globex", who: string, content: string, conversation?: string) => {
      const body = { model: tenant === "acme" ? "acme/ada" : "globex/gus", user: user(who), messages: [{ role: "user", content }], ...(conversation ? { konstruct_conversation: conversation } : {}) };
      const res = await f.app().http.handle(new Request("http://localhost/v1/chat/completions", { method: "POST", headers: { authorization: `Bearer ${keys[tenant]}`, "content-type": "application/json" }, body: JSON.stringify(body) }));
      expect(res.status).toBe(200);
    };
    await say("acme", JANE, "my locker code is PURPLE-OTTER-17");
    await say("acme", BOB, "I like GREEN-HERON tea");
    await say("acme", JANE, "in the team room: PURPLE-OTTER-17 again", "team-room");
    await say("acme", BOB, "team room: GREEN-HERON again", "team-room");
    await say("globex", JANE, "globex knows PURPLE-OTTER-17 too");
    await say("acme", "api:<i>mallory</i>", "hello"); // a person id is whatever the sender says it is
    // Files they sent, kept as the channels keep them (media/attachments.ts): one only Jane sent, one
    // whose bytes Bob sent too (one blob, two rows), and Jane's file in globex.
    const eventOf = async (tenantId: string, who: string) => (await f.app().db.withTenant(tenantId, (tx) => rowsOf<{ id: string }>(tx, sql`select id from inbound_events where message->'sender'->>'id' = ${who} limit 1`)))[0]!.id;
    const keep = async (tenantId: string, who: string, name: string, bytes: Uint8Array) => (await files.keep(tenantId, { name, mime: "text/plain", kind: "document", inboundEventId: await eventOf(tenantId, who), userKey: who }, bytes)).sha256;
    blobs.janeOnly = await keep(f.acme, JANE, "locker.txt", new TextEncoder().encode("PURPLE-OTTER-17 locker receipt"));
    blobs.shared = await keep(f.acme, JANE, "menu.txt", MENU);
    await keep(f.acme, BOB, "menu.txt", MENU);
    blobs.globex = await keep(f.globex, JANE, "locker.txt", new TextEncoder().encode("PURPLE-OTTER-17 locker receipt"));
    // What the AI employees remember (fact extraction runs later, in the background; the rows are what matters here).
    for (const [tenantId, userKey, content] of [[f.acme, JANE, "Jane's locker code is PURPLE-OTTER-17"], [f.acme, BOB, "Bob likes GREEN-HERON tea"], [f.globex, JANE, "Jane mentioned PURPLE-OTTER-17"]] as const) {
      const [agent] = await f.app().db.withTenant(tenantId, (tx) => tx.select().from(agents));
      await f.app().db.withTenant(tenantId, (tx) => tx.insert(memories).values({ tenantId, agentId: agent!.id, userKey, kind: "fact", content, contentHash: Bun.hash(content).toString() }));
    }
  }, 120_000);
  afterAll(async () => {
    await f?.cleanup();
    await llm?.stop();
  });

  /** Every row of every tenant table of the tenant, as JSON text. */
  const dump = (tenantId: string) =>
    f.app().db.withTenant(tenantId, async (tx) => {
      const out: Record<string, string[]> = {};
      for (const table of TENANT_TABLES) out[table] = (await rowsOf<{ j: string }>(tx, sql`select row_to_json(x)::text as j from ${sql.identifier(table)} x`)).map((r) => r.j);
      return out;
    });
  const holding = (d: Record<string, string[]>, needle: string) => Object.entries(d).filter(([, rows]) => rows.some((j) => j.includes(needle))).map(([t]) => t).sort();
  const people = (who: Who, query: string) => s[who].fetch(`/admin/people?tenant=${f.acme}${query}`);

  test("the page lists what Ada remembers of Jane; the export holds her words, not Bob's; tenant admins only", async () => {
    const res = await people("tenantAdmin", `&user=${encodeURIComponent(JANE)}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("Jane&#x27;s locker code is PURPLE-OTTER-17");
    expect(html).not.toContain("GREEN-HERON");
    expect(html).toContain(`/admin/people/export?tenant=${f.acme}&user=${encodeURIComponent(JANE)}`);
    const exp = await s.tenantAdmin.fetch(`/admin/people/export?tenant=${f.acme}&user=${encodeURIComponent(JANE)}`);
    expect(exp.headers.get("content-disposition")).toContain("attachment");
    const data = (await exp.json()) as { person: string; memories: { content: string }[]; conversations: { shared: boolean; messages: { role: string; content: string }[] }[] };
    expect(data.person).toBe(JANE);
    expect(data.memories.map((m) => m.content)).toEqual(["Jane's locker code is PURPLE-OTTER-17"]);
    expect(data.conversations.map((c) => c.shared).sort()).toEqual([false, true]);
    const said = data.conversations.flatMap((c) => c.messages.filter((m) => m.role === "user").map((m) => m.content));
    expect(said.sort()).toEqual(["in the team room: PURPLE-OTTER-17 again", "my locker code is PURPLE-OTTER-17"]);
    expect(JSON.stringify(data)).not.toContain("GREEN-HERON");
    expect((data as unknown as { files: { name: string }[] }).files.map((x) => x.name).sort()).toEqual(["locker.txt", "menu.txt"]);
    expect((await people("operator", "")).status).toBe(403);
    expect((await people("otherAdmin", "")).status).toBe(403);
    const theirs = await (await s.otherAdmin.fetch(`/admin/people?tenant=${f.globex}&user=${encodeURIComponent(JANE)}`)).text();
    expect(theirs).toContain("Jane mentioned PURPLE-OTTER-17");
    expect(theirs).not.toContain("locker code");
  });

  test("no erasure without the confirmation, nor by another tenant's admin", async () => {
    const before = holding(await dump(f.acme), JANE);
    expect(before).toEqual(expect.arrayContaining(["audit_log", "inbound_events", "memories"]));
    const bad = await s.tenantAdmin.fetch(`/admin/people/erase?tenant=${f.acme}`, { form: { user: JANE, confirm: "jane" } });
    expect([bad.status, (await bad.text()).includes('id="f-confirm-error"')]).toEqual([400, true]);
    expect((await s.tenantAdmin.fetch(`/admin/people/erase?tenant=${f.acme}`, { form: { user: JANE, confirm: JANE }, csrf: false })).status).toBe(403);
    expect((await s.otherAdmin.fetch(`/admin/people/erase?tenant=${f.acme}`, { form: { user: JANE, confirm: JANE } })).status).toBe(403);
    expect((await s.operator.fetch(`/admin/people/erase?tenant=${f.acme}`, { form: { user: JANE, confirm: JANE } })).status).toBe(403);
    expect(holding(await dump(f.acme), JANE)).toEqual(before);
  });

  test("erased: nothing of Jane in any tenant table; Bob and globex untouched; audited without her id", async () => {
    const globexBefore = await dump(f.globex);
    const bobBefore = holding(await dump(f.acme), "GREEN-HERON");
    // Chats' cached windows (agent/window-cache.ts): those of conversations that lose a turn go too.
    const turns = async () =>
      new Map((await f.app().db.withTenant(f.acme, (tx) => rowsOf<{ id: string; n: number }>(tx, sql`select c.id, count(m.id)::int as n from conversations c left join messages m on m.conversation_id = c.id group by c.id`))).map((r) => [r.id, r.n]));
    const turnsBefore = await turns();
    const windows = new WindowCache();
    for (const id of turnsBefore.keys()) windows.set(id, { conversationId: id, epoch: 0, complete: true, rows: [{ id, at: "", role: "user", content: "cached", tokens: 1 }] });
    const res = await s.tenantAdmin.fetch(`/admin/people/erase?tenant=${f.acme}`, { form: { user: JANE, confirm: JANE } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toMatch(/Erased: 1 memories[^<]*messages[^<]*conversations/);
    expect(html).not.toContain(user(JANE));
    const turnsAfter = await turns();
    const kept = [...turnsBefore.keys()].filter((id) => windows.get(id));
    expect(kept).toEqual([...turnsBefore.keys()].filter((id) => turnsAfter.get(id) === turnsBefore.get(id)));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(turnsBefore.size);

    const after = await dump(f.acme);
    expect(holding(after, user(JANE))).toEqual([]);
    expect(holding(after, "PURPLE-OTTER")).toEqual([]);
    // The columns that name a person, discovered from the catalog, hold her nowhere.
    const columns = await f.app().db.withTenant(f.acme, (tx) =>
      rowsOf<{ table_name: string; column_name: string }>(tx, sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and table_name = any(${`{${TENANT_TABLES.join(",")}}`}::text[]) and data_type in ('text', 'jsonb')`),
    );
    const personal = columns.filter((c) => PERSON_COLUMN.test(c.column_name) || (c.table_name === "inbound_events" && c.column_name === "message"));
    expect(personal.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(expect.arrayContaining(["memories.user_key", "audit_log.actor", "tasks.requested_by", "approvals.requested_by", "inbound_events.message"]));
    for (const c of personal) {
      const [n] = await f.app().db.withTenant(f.acme, (tx) => rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.identifier(c.table_name)} where ${sql.identifier(c.column_name)}::text like ${`%${user(JANE)}%`}`));
      expect(`${c.table_name}.${c.column_name}: ${n!.n}`).toBe(`${c.table_name}.${c.column_name}: 0`);
    }

    expect(holding(after, "GREEN-HERON")).toEqual(bobBefore);
    expect(holding(after, BOB)).toEqual(expect.arrayContaining(["audit_log", "inbound_events", "memories"]));
    const team = after.messages!.filter((j) => j.includes("team room"));
    expect(team.map((j) => (JSON.parse(j) as { content: string }).content)).toEqual(["team room: GREEN-HERON again"]);
    expect(await dump(f.globex)).toEqual(globexBefore);
    expect(holding(globexBefore, JANE).length).toBeGreaterThan(0);

    const [entry] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(auditLog).where(sql`kind = 'privacy.erase'`));
    expect(entry).toMatchObject({ actor: f.emails.tenantAdmin, summary: "erased one person's data" });
    expect((entry!.data as { counts: Record<string, number> }).counts).toMatchObject({ memories: 1, conversations: 1, inbound_events: 2, attachments: 2 });
    // Her files: the blob only she named is gone; the bytes Bob sent too stay for him; globex's copy stays.
    expect([blobAt(f.acme, blobs.janeOnly!), blobAt(f.acme, blobs.shared!), blobAt(f.globex, blobs.globex!)]).toEqual([false, true, true]);
    expect(after.attachments!.map((j) => (JSON.parse(j) as { user_key: string }).user_key)).toEqual([BOB]);
    const list = await (await people("tenantAdmin", "")).text();
    expect(list).not.toContain(user(JANE));
    expect(list).toContain(BOB);
    expect(list).toContain("&lt;i&gt;mallory&lt;/i&gt;");
    expect(list).not.toContain("<i>mallory</i>");
  });

  test("one memory is deleted from the page (CSRF), only the named person's", async () => {
    const [bob] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(memories).where(sql`user_key = ${BOB}`));
    const path = (who: string) => `/admin/people/memories/${bob!.id}/delete?tenant=${f.acme}&user=${encodeURIComponent(who)}`;
    expect((await s.tenantAdmin.fetch(path(BOB), { method: "POST", csrf: false })).status).toBe(403);
    expect((await s.tenantAdmin.fetch(path(JANE), { method: "POST" })).status).toBe(404);
    expect((await s.otherAdmin.fetch(path(BOB), { method: "POST" })).status).toBe(403);
    const res = await s.tenantAdmin.fetch(path(BOB), { method: "POST" });
    expect([res.status, res.headers.get("location")?.includes("flash=memory_deleted")]).toEqual([303, true]);
    expect(await f.app().db.withTenant(f.acme, (tx) => tx.select().from(memories).where(sql`user_key = ${BOB}`))).toEqual([]);
  });
});
