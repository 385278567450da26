/**
 * Memory through the real pipeline (Telegram emulator → app → LLM mock), both databases:
 *  - a 30-turn conversation whose window holds only a few turns keeps an early fact: the turns that
 *    left the window were summarised (an LLM call, recorded in usage) and the summary is in every
 *    later prompt;
 *  - /new ends the conversation, its facts are extracted, and a later conversation recalls them by
 *    similarity.
 * The mock plays the model: it cannot summarise, so the test checks what the appliance sent it
 * (the early fact went into the summarisation request) and what it did with the answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../src/db/set-sql.ts";
import { SUMMARY_SYSTEM } from "../../src/memory/compaction.ts";
import { EXTRACT_SYSTEM } from "../../src/memory/extract.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, type MockRequest, startLlmMock } from "../support/llm.ts";
import { EMBEDDINGS_CONFIG } from "../support/models.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const system = (r: MockRequest) => String(r.messages[0]?.content ?? "");
const chatTurns = (j: MockRequest[]) => j.filter((r) => system(r).startsWith("You are Ada"));

describe.each(DB_KINDS)("memory end to end on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Noted.");
    llm.on({ lastUser: "User: " }, { text: '["The user\'s locker code is 4417"]' });
    llm.on({ lastUser: "New turns:" }, { text: "The user said their locker code is 4417 and then discussed a series of numbered topics." });
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }] });
    t = await startTestApp(kind, {
      ...EMBEDDINGS_CONFIG,
      memory: { idle_minutes: 1 },
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      limits: { user: { capacity: 1000, refill_per_sec: 100 }, connection: { capacity: 1000, refill_per_sec: 100 }, tenant: { capacity: 1000, refill_per_sec: 100 } },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], context_tokens: 900, channels: [{ kind: "telegram", name: "tg", bot_token: tg.bots[0]!.token, api_root: tg.apiRoot }] }] }],
    });
  });
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  test("30 turns: the early fact left the window but stays available through the summary", async () => {
    const chat = 7001;
    const say = async (text: string, n: number) => {
      await tg.userSends(chat, text);
      await tg.waitForReplies(chat, n);
      // The reply reaches Telegram before the event ends and its compaction is scheduled.
      await t.app.gateway.pipeline.idle();
      await t.app.semantic.context.idle();
    };
    await say("Please keep in mind that my locker code is 4417.", 1);
    for (let i = 2; i <= 30; i++) await say(`Here is topic number ${i}: ${"some longer discussion text ".repeat(6)}`, i);

    const last = chatTurns(llm.journal()).at(-1)!;
    // The early turn is no longer in the window the model sees…
    expect(last.messages.some((m) => m.role === "user" && String(m.content).includes("4417"))).toBe(false);
    expect(last.messages.filter((m) => m.role === "user").length).toBeLessThan(30);
    // …but the summary carrying it is in the system prompt.
    expect(system(last)).toContain("Summary of the earlier part of this conversation:\nThe user said their locker code is 4417");
    // It got there because the appliance sent that turn to be summarised.
    const summaries = llm.journal().filter((r) => system(r) === SUMMARY_SYSTEM);
    expect(summaries.length).toBeGreaterThan(0);
    expect(String(summaries[0]!.lastUser)).toContain("User: Please keep in mind that my locker code is 4417.");
    // Every turn is still stored; summarisation calls are recorded like any other call.
    const { tenantId } = await t.channel("acme", "tg");
    const [counts] = await t.app.db.withTenant(tenantId, (tx) =>
      rowsOf<{ messages: number; calls: number }>(tx, sql`select (select count(*)::int from messages) as messages, (select count(*)::int from llm_calls) as calls`),
    );
    expect(counts!.messages).toBe(60);
    expect(counts!.calls).toBe(30 + summaries.length);
  });

  test("/new ends the conversation: its facts are extracted and recalled in the next one", async () => {
    const chat = 7001;
    await tg.userSends(chat, "/new");
    await tg.waitForReplies(chat, 31);
    // /new queued the conversation's extraction job; the sweep finds it queued (or read) already.
    await t.app.semantic.sweep();
    await t.app.semantic.extracted();
    const extraction = llm.journal().filter((r) => system(r) === EXTRACT_SYSTEM);
    expect(extraction).toHaveLength(1);
    await tg.userSends(chat, "What was the code for my locker again?");
    await tg.waitForReplies(chat, 32);
    const turn = chatTurns(llm.journal()).at(-1)!;
    expect(turn.lastUser).toBe("What was the code for my locker again?");
    expect(system(turn)).toContain("What you remember from earlier conversations:\n- The user's locker code is 4417");
  });

  test("an idle conversation is read for facts once, and stays open", async () => {
    const chat = 7002;
    await tg.userSends(chat, "I am based in the Lisbon office.");
    await tg.waitForReplies(chat, 1);
    await t.app.gateway.pipeline.idle();
    await t.app.semantic.context.idle();
    const before = llm.journal().filter((r) => system(r) === EXTRACT_SYSTEM).length;
    expect(await t.app.semantic.sweep()).toBe(0);
    expect(llm.journal().filter((r) => system(r) === EXTRACT_SYSTEM).length).toBe(before);
    // Two minutes of silence (idle_minutes is 1).
    await t.app.db.driver.raw.query("update conversations set last_message_at = now() - interval '2 minutes' where chat_key = $1", [String(chat)]);
    await t.app.semantic.sweep();
    await t.app.semantic.sweep();
    await t.app.semantic.extracted();
    const reads = llm.journal().filter((r) => system(r) === EXTRACT_SYSTEM).slice(before);
    expect(reads).toHaveLength(1);
    expect(String(reads[0]!.lastUser)).toContain("User: I am based in the Lisbon office.");
    const open = await t.app.db.driver.raw.query<{ n: number }>("select count(*)::int as n from conversations where chat_key = $1 and closed_at is null", [String(chat)]);
    expect(open).toEqual([{ n: 1 }]);
  });
});
