import { describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { DB_KINDS } from "../../test/support/db.ts";
import type { Tx } from "../db/database.ts";
import { chatFixture, seedChat } from "../../test/support/chat-fixture.ts";
import { conversations, messages } from "../db/schema/index.ts";
import { rowsOf, statement } from "../db/set-sql.ts";
import { memoryStatesIn } from "../memory/compaction.ts";
import { recentWindow } from "./conversations.ts";
import { assistantParts, openTurns, type OpenedTurn } from "./turn-writes.ts";
import { type CachedWindow, forgetConversations, WindowCache } from "./window-cache.ts";

describe("WindowCache", () => {
  const window = (conversationId: string, n: number, size = 10): CachedWindow => ({
    conversationId,
    epoch: 0,
    complete: false,
    rows: Array.from({ length: n }, (_, i) => ({ id: `${i}`, at: `${i}`, role: "user", content: "x".repeat(size), tokens: 1 })),
  });

  test("holds at most its characters, dropping the least recently used chats first", () => {
    // Each row counts its text and 64 for the rest: 74 a row, 740 a window.
    const cache = new WindowCache(2_000);
    cache.set("a", window("A", 10));
    cache.set("b", window("B", 10));
    cache.get("a");
    cache.set("c", window("C", 10));
    expect([cache.get("a")?.conversationId, cache.get("b"), cache.get("c")?.conversationId]).toEqual(["A", undefined, "C"]);
    // Larger than the whole cache: not kept, and nothing else is pushed out for it.
    cache.set("d", window("D", 100));
    expect([cache.size, cache.get("d")]).toEqual([2, undefined]);
    cache.set("a", window("A", 0));
    expect([cache.size, cache.get("a")]).toEqual([1, undefined]);
  });

  test("a window unused for the idle time is gone; an erasure's conversations leave every cache of the process", () => {
    let clock = 0;
    const cache = new WindowCache(1_000_000, 1_000, () => clock);
    cache.set("a", window("A", 1));
    clock = 600;
    cache.set("b", window("B", 1));
    clock = 1_200;
    expect([cache.get("a"), cache.get("b")?.conversationId]).toEqual([undefined, "B"]);
    // Idle ones are also swept when another chat's window is kept.
    clock = 3_000;
    cache.set("c", window("C", 1));
    expect(cache.size).toBe(1);
    const other = new WindowCache();
    other.set("x", window("A", 1));
    other.set("y", window("C", 1));
    forgetConversations(["A", "C"]);
    expect([other.get("x"), other.get("y"), cache.get("c")]).toEqual([undefined, undefined, undefined]);
  });
});

describe.each(DB_KINDS)("cached windows on %s Postgres", (kind) => {
  const f = chatFixture(kind, "w");

  /** A chat as the f.event handler drives it: a turn read through the cache, then its reply stored. */
  const chat = (chatKey: string, cache = new WindowCache()) => {
    let budget = 10_000;
    let page = 4;
    return {
      cache,
      setBudget: (b: number) => void (budget = b),
      setPage: (p: number) => void (page = p),
      async turn(content: string, reply = true): Promise<OpenedTurn & { expected: string[] }> {
        const inboundEventId = await f.event();
        const cached = cache.get(chatKey);
        const [opened] = await f.t.db.withTenant(f.tenantId, (tx) => openTurns(tx, f.tenantId, [{ agentId: f.agentId, channelId: f.channelId, chatKey, inboundEventId, content, recovering: false, budget, page, ...(cached ? { cached } : {}) }]));
        if (opened!.window) cache.set(chatKey, opened!.window);
        // What an uncached read of the same conversation gives, right after the turn was stored.
        const expected = await f.t.db.withTenant(f.tenantId, (tx) => recentWindow(tx, opened!.conversationId, budget));
        if (reply) await f.t.db.withTenant(f.tenantId, (tx) => rowsOf(tx, statement(assistantParts(f.tenantId, [{ conversationId: opened!.conversationId, inboundEventId, content: `re: ${content}` }]))));
        return { ...opened!, expected: expected.map((m) => m.content) };
      },
    };
  };
  const contents = (o: OpenedTurn) => o.history.map((m) => m.content);
  const epoch = (conversationId: string) =>
    f.t.db.withTenant(f.tenantId, async (tx) => (await tx.select({ e: conversations.historyEpoch }).from(conversations).where(eq(conversations.id, conversationId)))[0]!.e);

  test("a cached chat reads only its new turns and sees exactly the window an uncached read gives", async () => {
    const c = chat("steady");
    let last: CachedWindow | undefined;
    for (let i = 0; i < 12; i++) {
      const o = await c.turn(`q${i}`);
      expect(contents(o)).toEqual(o.expected);
      // From the third turn on, the turns known before are the very rows cached, not read again.
      if (i >= 2) expect(o.window!.rows.at(-1)).toBe(last!.rows.at(-1)!);
      last = o.window;
    }
    expect(contents(await c.turn("end"))).toHaveLength(25);
  });

  test("a turn stored by anyone else at its own time (a person in a hand-off) is read as new", async () => {
    const c = chat("handoff");
    const first = await c.turn("hello");
    await f.t.db.withTenant(f.tenantId, (tx) => tx.insert(messages).values({ tenantId: f.tenantId, conversationId: first.conversationId, role: "assistant", content: "a person answers", tokens: 5, createdAt: sql`now()` }));
    const next = await c.turn("thanks");
    expect(contents(next)).toEqual(["hello", "re: hello", "a person answers", "thanks"]);
    expect(await epoch(first.conversationId)).toBe(0);
  });

  test("a deleted turn (erasure, retention) or a back-dated one moves the epoch, and the window is read afresh", async () => {
    const c = chat("erased");
    const first = await c.turn("secret");
    await c.turn("second");
    await f.t.db.withTenant(f.tenantId, (tx) => tx.delete(messages).where(and(eq(messages.conversationId, first.conversationId), eq(messages.content, "secret"))));
    const afterDelete = await epoch(first.conversationId);
    expect(afterDelete).not.toBe(0);
    const after = await c.turn("third");
    expect(contents(after)).toEqual(after.expected);
    expect(contents(after)).not.toContain("secret");
    // An imported turn stamped in the past lands before the cache's cursor: read afresh, it is there.
    await f.t.db.withTenant(f.tenantId, (tx) => tx.insert(messages).values({ tenantId: f.tenantId, conversationId: first.conversationId, role: "user", content: "imported", tokens: 5, createdAt: new Date(Date.now() - 60_000) }));
    expect(await epoch(first.conversationId)).not.toBe(afterDelete);
    const imported = await c.turn("fourth");
    expect(contents(imported)[0]).toBe("imported");
    expect(contents(imported)).toEqual(imported.expected);
  });

  test("under RLS, a cached turn's reads (new turns, unsummarised tokens) are index ranges: what they walk does not grow with the conversation", async () => {
    const c = chat("long");
    // A window of some twenty turns, well short of the conversation, read in one page.
    c.setBudget(60);
    c.setPage(40);
    const first = await c.turn("start");
    await f.t.db.withTenant(f.tenantId, async (tx) => {
      await tx.execute(sql`insert into messages (tenant_id, conversation_id, role, content, tokens, created_at)
        select ${f.tenantId}::uuid, ${first.conversationId}::uuid, 'user', 'old ' || g, 3, now() - interval '1 day' + g * interval '1 ms' from generate_series(1, 3000) g`);
      await tx.execute(sql`insert into conversation_memory (tenant_id, conversation_id, summary, summarized_until) values (${f.tenantId}::uuid, ${first.conversationId}::uuid, 'earlier', now() - interval '1 hour')`);
    });
    await c.turn("read whole once");
    // The next turn's statements, explained (analyze) as they run, in a transaction rolled back.
    const removed: number[] = [];
    const cached = c.cache.get("long")!;
    expect(cached.rows.length).toBeGreaterThan(10);
    const inbound = await f.event();
    await f.t.db
      .withTenant(f.tenantId, async (tx) => {
        // Whichever way rowsOf reaches the driver (PGlite: query, postgres.js: unsafe), each statement is explained instead.
        type Client = { query?(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>; unsafe?(text: string, params?: unknown[]): Promise<unknown[]> };
        const client = (tx as unknown as { _: { session: { client: Client } } })._.session.client;
        const explain = async (rows: unknown[]) => {
          const plan = JSON.stringify(rows);
          removed.push(...[...plan.matchAll(/"Relation Name":"messages"[^{}]*?"Rows Removed by Filter":(\d+)|"Rows Removed by Filter":(\d+)[^{}]*?"Relation Name":"messages"/g)].map((m) => Number(m[1] ?? m[2])));
          throw new Error("explained");
        };
        if (client.unsafe) {
          const run = client.unsafe.bind(client);
          client.unsafe = async (text, params) => explain(await run(`explain (analyze, format json) ${text}`, params));
        } else {
          const run = client.query!.bind(client);
          client.query = async (text, params) => explain((await run(`explain (analyze, format json) ${text}`, params)).rows);
        }
        await openTurns(tx, f.tenantId, [{ agentId: f.agentId, channelId: f.channelId, chatKey: "long", inboundEventId: inbound, content: "next", recovering: false, budget: 60, page: 40, cached }]).catch(() => {});
        await memoryStatesIn(tx, f.tenantId, [{ agentId: f.agentId, conversationId: first.conversationId, userKey: "" }]).catch(() => {});
        throw new Error("roll back");
      })
      .catch(() => {});
    expect(removed.length).toBeGreaterThan(0);
    expect(Math.max(...removed)).toBeLessThan(10);
  });

  test("a bulk import of back-dated turns moves the epoch once per transaction, not per turn", async () => {
    const c = chat("imported");
    const first = await c.turn("before the import");
    // Rows of conversations updated by this backend so far (the view also holds earlier transactions' unflushed counts).
    const updated = async (tx: Tx) => (await rowsOf<{ n: number }>(tx, sql`select coalesce(sum(n_tup_upd), 0)::int as n from pg_stat_xact_user_tables where relname = 'conversations'`))[0]!.n;
    const moved = await f.t.db.withTenant(f.tenantId, async (tx) => {
      const before = await updated(tx);
      await tx.execute(sql`insert into messages (tenant_id, conversation_id, role, content, tokens, created_at)
        select ${f.tenantId}::uuid, ${first.conversationId}::uuid, 'user', 'old ' || g, 3, now() - interval '1 day' + g * interval '1 ms' from generate_series(1, 2000) g`);
      return (await updated(tx)) - before;
    });
    // The conversation is updated once, however many turns were imported.
    expect(moved).toBe(1);
    const next = await c.turn("after");
    expect(contents(next)).toEqual(next.expected);
    expect(contents(next)).toContain("old 2000");
  });

  test("a closed conversation's cache is not used for the next one", async () => {
    const c = chat("closed");
    const old = await c.turn("before");
    await f.t.db.withTenant(f.tenantId, (tx) => tx.update(conversations).set({ closedAt: sql`now()` }).where(eq(conversations.id, old.conversationId)));
    const fresh = await c.turn("after");
    expect(fresh.conversationId).not.toBe(old.conversationId);
    expect(contents(fresh)).toEqual(["after"]);
  });

  test("more new turns than a page, a budget that grows or shrinks: still exactly the uncached window", async () => {
    const c = chat("bursty");
    for (let i = 0; i < 3; i++) await c.turn(`a${i}`);
    const convId = (await c.turn("b")).conversationId;
    // Nine turns land while the chat's cache is four rows old (page 4): the new page does not join up.
    for (let i = 0; i < 9; i++) await f.t.db.withTenant(f.tenantId, (tx) => tx.insert(messages).values({ tenantId: f.tenantId, conversationId: convId, role: "assistant", content: `n${i}`, tokens: 5, createdAt: sql`clock_timestamp()` }));
    const burst = await c.turn("c");
    expect(contents(burst)).toEqual(burst.expected);
    c.setBudget(40);
    const small = await c.turn("d");
    expect(contents(small)).toEqual(small.expected);
    expect(small.history.length).toBeLessThan(10);
    c.setBudget(10_000);
    const large = await c.turn("e");
    expect(contents(large)).toEqual(large.expected);
    expect(contents(large)[0]).toBe("a0");
  });

  test("another tenant's chat of the same key never shares a window", async () => {
    const cache = new WindowCache();
    const mine = chat("shared-key", cache);
    await mine.turn("mine");
    const other = await seedChat(f.t.db, "w2");
    // Handed the first tenant's window by mistake, the statement still reads its own conversation whole.
    const inboundEventId = await other.event();
    const [theirs] = await f.t.db.withTenant(other.tenantId, (tx) =>
      openTurns(tx, other.tenantId, [{ agentId: other.agentId, channelId: other.channelId, chatKey: "shared-key", inboundEventId, content: "theirs", recovering: false, budget: 10_000, cached: cache.get("shared-key")! }]),
    );
    expect(contents(theirs!)).toEqual(["theirs"]);
  });
});
