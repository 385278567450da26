/**
 * The pipeline end to end inside one app — real database (both kinds), real LLM mock over HTTP —
 * with a recording channel in place of Slack/Telegram (their adapters have their own HTTP tests
 * against emulators, and test/e2e wires them together).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import type { InboundMessage } from "../channels/types.ts";
import { auditLog, inboundEvents, llmCalls, messages } from "../db/schema/index.ts";
import { eventually, startTestApp, type TestApp } from "../../test/support/app.ts";
import { DB_KINDS, REDIS_URL } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { RecordingChannel } from "../../test/support/recording-channel.ts";
import { EXTRACT_SYSTEM } from "../memory/extract.ts";
import type { AdapterFactory } from "./connections.ts";

let seq = 0;
const inbound = (text: string, o: Partial<InboundMessage> = {}): InboundMessage => ({
  eventKey: `ev-${++seq}`,
  chatKey: "chat-1",
  replyTo: String(seq),
  sender: { id: "u1", name: "Ursula" },
  text,
  attachments: [],
  receivedAt: new Date().toISOString(),
  raw: {},
  ...o,
});

describe.each(DB_KINDS)("conversation pipeline on %s Postgres", (kind) => {
  let llm: LlmMock;
  let t: TestApp;
  const chans = new Map<string, RecordingChannel>();
  const factory: AdapterFactory = (def) => {
    const c = new RecordingChannel();
    chans.set(`${def.tenantId}:${def.name}`, c);
    return c;
  };
  const chan = async (tenant: string, name = "tg") => {
    const { tenantId } = await t.channel(tenant, name);
    return chans.get(`${tenantId}:${name}`)!;
  };
  const agent = (slug: string, extra: Record<string, unknown> = {}) => ({
    slug,
    name: slug === "ada" ? "Ada" : "Bob",
    role: "office manager",
    persona: "warm and concise",
    models: ["primary/gpt-main", "backup/gpt-backup"],
    channels: [{ kind: "telegram", name: "tg", bot_token: `123:${slug}` }],
    ...extra,
  });

  beforeAll(async () => {
    llm = await startLlmMock();
    t = await startTestApp(
      kind,
      {
        llm: {
          providers: [
            { id: "primary", kind: "openai", base_url: llm.url, api_key: "sk-primary" },
            { id: "backup", kind: "openai", base_url: llm.url, api_key: "sk-backup" },
            { id: "pricey", kind: "openai", base_url: llm.url, api_key: "sk-pricey" },
          ],
          prices: { "primary/gpt-main": { input_per_mtok: 1000, output_per_mtok: 1000 }, "pricey/gpt-pricey": { input_per_mtok: 1, output_per_mtok: 100 } },
        },
        limits: { user: { capacity: 4, refill_per_sec: 0.01 } },
        // The external-database run also takes its rate limits from Redis (as replicas would).
        redis: { url: kind === "external" ? REDIS_URL : "" },
        tenants: [
          { slug: "acme", name: "Acme", agents: [agent("ada")] },
          { slug: "globex", name: "Globex", agents: [agent("bob", { budget: { daily_usd: 0.001 } })] },
          { slug: "initech", name: "Initech", agents: [agent("carl", { models: ["pricey/gpt-pricey"], budget: { daily_usd: 0.01 } })] },
        ],
      },
      { adapters: { telegram: factory } },
    );
  });
  afterAll(async () => {
    await t.cleanup();
    await llm.stop();
  });
  beforeEach(async () => {
    await llm.reset();
    llm.replyAll("Happy to help.");
  });

  const idle = () => t.app.gateway.pipeline.idle();

  test("a message gets one answer in persona, threaded, with usage and audit on record", async () => {
    const c = await chan("acme");
    await c.sink!(inbound("Hello, who are you?", { sender: { id: "u-hello" } }));
    await idle();
    expect(c.sent.at(-1)).toMatchObject({ chatKey: "chat-1", text: "Happy to help." });
    const system = llm.journal().at(-1)!.messages[0]!;
    expect(String(system.content)).toContain("You are Ada, office manager");
    expect(String(system.content)).toContain("warm and concise");
    const { tenantId } = await t.channel("acme", "tg");
    const kinds = await t.app.db.withTenant(tenantId, (tx) => tx.select({ kind: auditLog.kind }).from(auditLog));
    expect(new Set(kinds.map((k) => k.kind))).toEqual(new Set(["inbound", "llm_call", "outbound"]));
  });

  test("the same channel event delivered twice is answered once", async () => {
    const c = await chan("acme");
    const before = c.sent.length;
    const m = inbound("once please", { chatKey: "dup", sender: { id: "u-dup" } });
    await Promise.all([c.sink!(m), c.sink!({ ...m }), c.sink!({ ...m })]);
    await idle();
    expect(c.sent.length - before).toBe(1);
    expect(llm.journal()).toHaveLength(1);
  });

  test("the conversation is remembered within a chat, and /new starts afresh", async () => {
    const c = await chan("acme");
    const chat = { chatKey: "memory", sender: { id: "u-mem" } };
    await c.sink!(inbound("My name is Zed.", chat));
    await idle();
    await c.sink!(inbound("What is my name?", chat));
    await idle();
    const second = llm.journal().at(-1)!.messages.map((m) => String(m.content));
    expect(second).toContain("My name is Zed.");
    expect(second).toContain("Happy to help.");
    await c.sink!(inbound("/new", { ...chat, command: "new" }));
    await idle();
    expect(c.sent.at(-1)!.text).toContain("fresh conversation");
    // /new queued the closed conversation's fact extraction (a job): let its model call land here.
    await eventually(() => llm.journal().some((r) => r.messages[0]?.content === EXTRACT_SYSTEM), 10_000, "fact extraction");
    await t.app.semantic.extracted();
    await c.sink!(inbound("Do you know me?", chat));
    await idle();
    expect(llm.journal().at(-1)!.messages.map((m) => String(m.content))).not.toContain("My name is Zed.");
  });

  test("primary model failing with 500 → the fallback answers; both attempts are recorded", async () => {
    llm.on({ model: "gpt-main" }, { status: 500, message: "boom" });
    llm.on({ model: "gpt-backup" }, { text: "Backup here." });
    const c = await chan("acme");
    await c.sink!(inbound("fallback?", { chatKey: "fb", sender: { id: "u-fb" } }));
    await idle();
    expect(c.sent.at(-1)!.text).toBe("Backup here.");
    const { tenantId } = await t.channel("acme", "tg");
    const calls = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(llmCalls).orderBy(llmCalls.createdAt));
    expect(calls.slice(-2).map((r) => [r.provider, r.ok])).toEqual([
      ["primary", false],
      ["backup", true],
    ]);
  });

  test("a user over the rate limit gets exactly one polite reply, then silence", async () => {
    const c = await chan("acme");
    const before = c.sent.length;
    for (let i = 0; i < 8; i++) await c.sink!(inbound(`msg ${i}`, { chatKey: "flood", sender: { id: "u-flood" } }));
    await idle();
    const replies = c.sent.slice(before).map((m) => m.text);
    expect(replies).toHaveLength(5);
    expect(replies.filter((r) => /try again/i.test(r))).toHaveLength(1);
    expect(llm.journal()).toHaveLength(4);
  });

  test("a link whose prompt alone the budget cannot pay is not called; an unpriced fallback answers", async () => {
    const c = await chan("globex");
    await c.sink!(inbound("first", { chatKey: "b1", sender: { id: "u-b1" } })); // prompt ≈ 100 tokens × 1000 $/Mtok > $0.001
    await idle();
    expect(llm.journal().map((r) => r.model)).toEqual(["gpt-backup"]);
    expect(c.sent.at(-1)!.text).toBe("Happy to help.");
  });

  test("max_tokens is bounded by the budget left: one bounded call, then a stop before any further call", async () => {
    // A provider that writes until max_tokens, and 100 000 tokens ($10 at this price) without one.
    llm.on({}, { text: "long answer", usage: ({ maxTokens }) => ({ promptTokens: 100, completionTokens: maxTokens ?? 100_000 }) });
    const c = await chan("initech");
    for (const text of ["one", "two", "three"]) {
      await c.sink!(inbound(text, { chatKey: "b2", sender: { id: "u-b2" } }));
      await idle();
    }
    const journal = llm.journal();
    expect(journal).toHaveLength(1);
    // Prompt ≈ 100–200 tokens × $10/Mtok; the rest of $0.01 at $100/Mtok pays for < 100 tokens.
    expect(journal[0]!.maxTokens).toBeGreaterThan(50);
    expect(journal[0]!.maxTokens).toBeLessThan(100);
    expect(c.sent.map((m) => m.text)).toEqual(["long answer", expect.stringMatching(/budget/i), expect.stringMatching(/budget/i)]);
    const { tenantId } = await t.channel("initech", "tg");
    const [spent] = await t.app.db.withTenant(tenantId, (tx) => tx.select({ usd: sql<string>`sum(cost_usd)` }).from(llmCalls));
    expect(Number(spent!.usd)).toBeGreaterThan(0.005);
    expect(Number(spent!.usd)).toBeLessThanOrEqual(0.01);
    const stops = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "budget_stop")));
    expect(stops).toHaveLength(2);
  });

  test("tenants never see each other's conversations", async () => {
    const a = await t.channel("acme", "tg");
    const b = await t.channel("globex", "tg");
    const seenByB = await t.app.db.withTenant(b.tenantId, (tx) => tx.select({ n: sql<number>`count(*)::int` }).from(messages).where(eq(messages.content, "My name is Zed.")));
    expect(seenByB[0]!.n).toBe(0);
    const eventsOfA = await t.app.db.withTenant(b.tenantId, (tx) => tx.select().from(inboundEvents).where(eq(inboundEvents.channelId, a.channelId)));
    expect(eventsOfA).toHaveLength(0);
  });

  test("an event recorded before a crash is answered once after restart", async () => {
    const { tenantId, channelId } = await t.channel("acme", "tg");
    llm.replyAll("Recovered answer.");
    // What the sink does before the process dies: the event is durable, nothing else happened.
    await t.app.gateway.inbox.record({ tenantId, channelId }, inbound("are you there?", { chatKey: "crash", sender: { id: "u-crash" } }));
    await t.restart({ adapters: { telegram: factory } });
    const c = await chan("acme");
    await eventually(() => c.sent.find((m) => m.chatKey === "crash"), 10_000, "recovered reply");
    await t.app.gateway.pipeline.idle();
    await t.restart({ adapters: { telegram: factory } });
    await t.app.gateway.pipeline.idle();
    expect((await chan("acme")).sent.filter((m) => m.chatKey === "crash")).toHaveLength(0);
    expect(c.sent.filter((m) => m.chatKey === "crash")).toHaveLength(1);
  });
});
