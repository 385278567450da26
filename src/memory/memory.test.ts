/**
 * Long-term memory on both databases with the real model: recall by similarity within a budget,
 * scoped to the employee and the user (plus facts about everyone), never across tenants — every
 * query runs as the unprivileged app role through withTenant().
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import pino from "pino";
import { openSemantic, type TestSemantic as Semantic } from "../../test/support/semantic.ts";
import { validate } from "../config/load.ts";
import { agents, tenants } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";
import { memoryTools } from "./tools.ts";

describe.each(DB_KINDS)("long-term memory on %s Postgres", (kind) => {
  let t: TestDatabase;
  let s: Semantic;
  let A: string;
  let B: string;
  let ada: string;
  let bob: string;

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    [A, B] = (await t.db.platform((tx) => tx.insert(tenants).values([{ slug: "acme", name: "Acme" }, { slug: "globex", name: "Globex" }]).returning({ id: tenants.id }))).map((r) => r.id) as [string, string];
    ada = (await t.db.withTenant(A, (tx) => tx.insert(agents).values({ tenantId: A, slug: "ada", name: "Ada" }).returning({ id: agents.id })))[0]!.id;
    bob = (await t.db.withTenant(B, (tx) => tx.insert(agents).values({ tenantId: B, slug: "bob", name: "Bob" }).returning({ id: agents.id })))[0]!.id;
    s = await openSemantic(validate({ ...EMBEDDINGS_CONFIG, data_dir: t.dataDir }), t, pino({ level: "silent" }));
  });
  afterAll(async () => {
    await s.stop();
    await t.cleanup();
  });

  const fact = (tenantId: string, agentId: string, userKey: string, content: string) => s.memory.remember(tenantId, { agentId, userKey, kind: "fact", content });

  test("recall ranks the relevant memory first; a repeated fact is stored once", async () => {
    await fact(A, ada, "u1", "Maria prefers her weekly sales report as a PDF attachment");
    await fact(A, ada, "u1", "Maria's dog is called Bruno and she walks him at lunch");
    await fact(A, ada, "u1", "Maria is allergic to peanuts");
    expect((await fact(A, ada, "u1", "maria is allergic to peanuts")).created).toBe(false);
    const got = await s.memory.recall(A, { agentId: ada, userKey: "u1", query: "In which format should I send the sales report?", budgetTokens: 500 });
    expect(got[0]!.content).toBe("Maria prefers her weekly sales report as a PDF attachment");
    expect(got).toHaveLength(3);
  });

  test("the token budget bounds what is recalled", async () => {
    const got = await s.memory.recall(A, { agentId: ada, userKey: "u1", query: "sales report format", budgetTokens: 25 });
    expect(got.length).toBe(1);
  });

  test("scoped to the user, plus what is true for everyone", async () => {
    await fact(A, ada, "", "The office closes at 18:00 on Fridays");
    const other = await s.memory.recall(A, { agentId: ada, userKey: "u2", query: "when does the office close on friday", budgetTokens: 500 });
    expect(other.map((m) => m.content)).toEqual(["The office closes at 18:00 on Fridays"]);
  });

  test("the remember tool stores about the user or everyone, and rejects empty facts", async () => {
    const tools = memoryTools(s.memory);
    const ctx = { tenantId: A, agentId: ada, conversationId: crypto.randomUUID(), userKey: "u3" };
    expect(await tools.run({ id: "1", name: "remember", arguments: { fact: "Tom works in the Oslo office" } }, ctx)).toBe("Saved to long-term memory.");
    expect(await tools.run({ id: "2", name: "remember", arguments: { fact: "" } }, ctx)).toMatch(/^error:/);
    const rows = await t.db.withTenant(A, (tx) => rowsOf<{ user_key: string }>(tx, sql`select user_key from memories where content = 'Tom works in the Oslo office'`));
    expect(rows).toEqual([{ user_key: "u3" }]);
  });

  test("two tenants' memories never cross", async () => {
    await fact(B, bob, "u1", "Globex's user u1 likes green tea");
    // Same user key, other tenant: nothing of tenant A, whatever the query.
    const fromB = await s.memory.recall(B, { agentId: bob, userKey: "u1", query: "sales report PDF peanuts dog", budgetTokens: 1000 });
    expect(fromB.map((m) => m.content)).toEqual(["Globex's user u1 likes green tea"]);
    // Asking tenant B's transaction for tenant A's agent finds nothing either (RLS, not the filter).
    expect(await s.memory.recall(B, { agentId: ada, userKey: "u1", query: "sales report", budgetTokens: 1000 })).toEqual([]);
    const seen = await t.db.withTenant(B, (tx) => rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from memories`));
    expect(seen).toEqual([{ n: 1 }]);
  });
});
