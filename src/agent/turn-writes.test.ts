import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { DB_KINDS } from "../../test/support/db.ts";
import { chatFixture } from "../../test/support/chat-fixture.ts";
import { agents, messages } from "../db/schema/index.ts";
import { rowsOf, statement } from "../db/set-sql.ts";
import { assistantParts, openTurns } from "./turn-writes.ts";
import { agentsWithSpend, callParts } from "./usage.ts";

describe.each(DB_KINDS)("set-based turns on %s Postgres", (kind) => {
  const f = chatFixture(kind, "a");

  const turn = async (chatKey: string, content: string, o: { budget?: number; recovering?: boolean; eventId?: string; page?: number } = {}) => ({
    agentId: f.agentId,
    channelId: f.channelId,
    chatKey,
    inboundEventId: o.eventId ?? (await f.event()),
    content,
    recovering: o.recovering ?? false,
    budget: o.budget ?? 10_000,
    ...(o.page !== undefined ? { page: o.page } : {}),
  });
  const open = (...turns: Awaited<ReturnType<typeof turn>>[]) => f.t.db.withTenant(f.tenantId, (tx) => openTurns(tx, f.tenantId, turns));
  const reply = (conversationId: string, inboundEventId: string, content: string) =>
    f.t.db.withTenant(f.tenantId, (tx) => rowsOf(tx, statement(assistantParts(f.tenantId, [{ conversationId, inboundEventId, content }]))));

  test("a new chat's window is its user turn; the next turn sees the conversation so far, oldest first", async () => {
    const first = await turn("c1", "hello");
    const [a] = await open(first);
    expect(a!.history).toMatchObject([{ role: "user", content: "hello" }]);
    await reply(a!.conversationId, first.inboundEventId, "hi there");
    const [b] = await open(await turn("c1", "again"));
    expect(b!.conversationId).toBe(a!.conversationId);
    expect(b!.history.map((m) => m.content)).toEqual(["hello", "hi there", "again"]);
  });

  test("turns of different chats in one statement each get their own conversation and window", async () => {
    const [x, y] = await open(await turn("c2", "for x"), await turn("c3", "for y"));
    expect(x!.conversationId).not.toBe(y!.conversationId);
    // Each turn carries its token estimate as stored, so the window is not estimated again.
    expect([x!.history, y!.history]).toEqual([[{ role: "user", content: "for x", tokens: 6 }], [{ role: "user", content: "for y", tokens: 6 }]]);
  });

  test("a window longer than a page is read on; a turn that does not fit ends it", async () => {
    for (let i = 0; i < 60; i++) await open(await turn("long", `m${i}`));
    const [all] = await open(await turn("long", "last"));
    expect(all!.history).toHaveLength(61);
    expect(all!.history.at(-1)!.content).toBe("last");
    // 40 characters estimate at 16 tokens, "last" at 6.
    const [tight] = await open(await turn("long", "x".repeat(40), { budget: 20 }));
    expect(tight!.history.map((m) => m.content)).toEqual(["x".repeat(40)]);
    const [none] = await open(await turn("long", "y".repeat(40), { budget: 10 }));
    expect(none!.history).toEqual([]);
  });

  test("the opening page is only a hint: too small, it is read on; large, the window is still cut to the budget", async () => {
    for (let i = 0; i < 30; i++) await open(await turn("hinted", `h${i}`));
    const [small] = await open(await turn("hinted", "small", { page: 3 }));
    expect(small!.history.map((m) => m.content)).toEqual([...Array.from({ length: 30 }, (_, i) => `h${i}`), "small"]);
    const [big] = await open(await turn("hinted", "big", { page: 500 }));
    expect(big!.history.map((m) => m.content)).toEqual([...Array.from({ length: 30 }, (_, i) => `h${i}`), "small", "big"]);
    // "h29" to "big": 6 tokens each; a budget of 20 holds the newest three.
    const [cut] = await open(await turn("hinted", "cut", { page: 500, budget: 20 }));
    expect(cut!.history.map((m) => m.content)).toEqual(["small", "big", "cut"]);
  });

  test("agents are read with their spend exactly as drizzle's own select maps them", async () => {
    await f.t.db.withTenant(f.tenantId, (tx) => rowsOf(tx, statement(callParts([{ tenantId: f.tenantId, agentId: f.agentId, conversationId: null, provider: "p", model: "m", ok: true, promptTokens: 1, completionTokens: 1, latencyMs: 1, costUsd: 0.25 }]))));
    const [read] = await f.t.db.withTenant(f.tenantId, (tx) => agentsWithSpend(tx, f.tenantId, [f.agentId]));
    const [own] = await f.t.db.withTenant(f.tenantId, (tx) => tx.select().from(agents).where(eq(agents.id, f.agentId)));
    expect(read!.agent).toEqual(own!);
    expect(read!.spend).toEqual({ today: 0.25, month: 0.25 });
  });

  test("a recovered f.event does not store its user turn twice", async () => {
    const live = await turn("c4", "once");
    await open(live);
    const [again] = await open({ ...live, recovering: true });
    expect(again!.history).toMatchObject([{ role: "user", content: "once" }]);
    const stored = await f.t.db.withTenant(f.tenantId, (tx) => tx.select().from(messages).where(eq(messages.inboundEventId, live.inboundEventId)));
    expect(stored).toHaveLength(1);
  });
});
