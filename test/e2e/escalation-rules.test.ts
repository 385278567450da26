/**
 * Structured escalation rules through the real pipeline (Telegram emulator → app → LLM mock), both
 * databases, two tenants: a rule that holds writes `escalation.requested` (rule, reason, signals)
 * and calls `escalate` before any model is asked; the mock's journal proves the scoring itself
 * (sentiment, topic, repetition: the local embedding model) never calls the model. Globex has no
 * rules: the same messages are answered there and nothing is escalated.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog } from "../../src/db/schema/index.ts";
import type { EscalationRequest } from "../../src/escalation/types.ts";
import { REPLIES } from "../../src/gateway/replies.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { EMBEDDINGS_CONFIG } from "../support/models.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const RULES = [
  { name: "lawyer", when: 'matches("\\\\b(lawyer|attorney)s?\\\\b")', reason: "The customer mentions legal action" },
  { name: "billing_stuck", when: "billing_dispute AND attempts > 2", reason: "Billing dispute not settled after three attempts" },
  { name: "repeated", when: "attempts > 2", reason: "The customer had to ask three times" },
  { name: "angry", when: "sentiment < -0.7", reason: "The customer is very upset" },
  { name: "out_of_budget", when: "budget_stop", reason: "The AI employee ran out of budget" },
];

describe.each(DB_KINDS)("escalation rules on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;
  let acme = "";
  let globex = "";
  let chat = 9100;
  const escalated: EscalationRequest[] = [];

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Let me look into that for you.");
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }, { username: "GlobexBobBot" }, { username: "AcmePennyBot" }] });
    const [ada, bob, penny] = tg.bots;
    const bot = (token: string) => [{ kind: "telegram", name: "tg", bot_token: token, api_root: tg.apiRoot }];
    t = await startTestApp(
      kind,
      {
        ...EMBEDDINGS_CONFIG,
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }], prices: { "mock/dear": { input_per_mtok: 1_000_000, output_per_mtok: 1_000_000 } } },
        limits: { user: { capacity: 1000, refill_per_sec: 100 }, connection: { capacity: 1000, refill_per_sec: 100 }, tenant: { capacity: 1000, refill_per_sec: 100 } },
        tenants: [
          {
            slug: "acme",
            name: "Acme",
            agents: [
              { slug: "ada", name: "Ada", models: ["mock/m"], channels: bot(ada!.token), escalation: { guidance: "Legal questions go to a human.", rules: RULES } },
              { slug: "penny", name: "Penny", models: ["mock/dear"], budget: { daily_usd: 0.01 }, channels: [{ ...bot(penny!.token)[0], name: "tg-penny" }], escalation: { rules: RULES } },
            ],
          },
          { slug: "globex", name: "Globex", agents: [{ slug: "bob", name: "Bob", models: ["mock/m"], channels: bot(bob!.token) }] },
        ],
      },
      { escalate: async (req) => void escalated.push(req) },
    );
    acme = (await t.channel("acme", "tg")).tenantId;
    globex = (await t.channel("globex", "tg")).tenantId;
  });
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  /** Sends and waits for the reply; returns it and how many model requests the message caused. */
  async function say(chatId: number, text: string, token = tg.bots[0]!.token) {
    const before = llm.journal().length;
    const n = tg.botReplies(chatId, token).length;
    await tg.userSends(chatId, text, { token });
    const replies = await tg.waitForReplies(chatId, n + 1, { token, timeoutMs: 30_000 });
    await t.app.gateway.pipeline.idle();
    return { reply: replies.at(-1)!.visible, calls: llm.journal().length - before };
  }
  const entries = (tenantId: string) => t.app.db.withTenant(tenantId, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "escalation.requested")));
  const entryFor = async (rule: string) => (await entries(acme)).filter((e) => (e.data as { rule: string }).rule === rule);

  test("keyword: a pattern match hands over before the model", async () => {
    const c = ++chat;
    expect(await say(c, "Hi, what are your opening hours?")).toEqual({ reply: "Let me look into that for you.", calls: 1 });
    expect(await say(c, "I will have my attorneys look at this.")).toEqual({ reply: REPLIES.escalated, calls: 0 });
    const [e] = await entryFor("lawyer");
    expect(e!.summary).toContain("The customer mentions legal action");
    expect(e!.data).toMatchObject({ rule: "lawyer", reason: "The customer mentions legal action", source: "rule", signals: { attempts: 1 } });
    expect(escalated.find((r) => r.rule === "lawyer")).toEqual({ tenantId: acme, agentId: e!.agentId!, conversationId: e!.conversationId!, reason: "The customer mentions legal action", rule: "lawyer", source: "rule" });
  }, 60_000);

  test("attempts: the third time the user asks the same question", async () => {
    const c = ++chat;
    expect((await say(c, "How do I connect the printer to wifi?")).calls).toBe(1);
    expect((await say(c, "How do I connect my printer to the wifi?")).calls).toBe(1);
    expect(await say(c, "How do I connect the printer to wifi??")).toEqual({ reply: REPLIES.escalated, calls: 0 });
    const [e] = await entryFor("repeated");
    expect(e!.data).toMatchObject({ source: "rule", signals: { repeats: 2, attempts: 3 } });
  }, 60_000);

  test("sentiment: an angry message scores below -0.7 and escalates; a neutral one does not; no model call scores", async () => {
    const c = ++chat;
    const calm = await say(c, "Could you tell me how to change my delivery address?");
    expect(calm).toEqual({ reply: "Let me look into that for you.", calls: 1 });
    // The one request the neutral message caused is the chat turn itself, not a scoring call.
    expect(String(llm.journal().at(-1)!.messages[0]!.content)).toStartWith("You are Ada");
    const angry = await say(c, "This is outrageous, you people are useless and I am absolutely furious!");
    expect(angry).toEqual({ reply: REPLIES.escalated, calls: 0 });
    const [e] = await entryFor("angry");
    expect((e!.data as { signals: { sentiment: number } }).signals.sentiment).toBeLessThan(-0.7);
  }, 60_000);

  test("billing_dispute AND attempts > 2", async () => {
    const c = ++chat;
    expect((await say(c, "I was charged twice for my order.")).calls).toBe(1);
    expect((await say(c, "I was charged two times for my order.")).calls).toBe(1);
    expect(await say(c, "I was charged twice for my order!")).toEqual({ reply: REPLIES.escalated, calls: 0 });
    const [e] = await entryFor("billing_stuck");
    expect(e!.data).toMatchObject({ reason: "Billing dispute not settled after three attempts", signals: { attempts: 3, topics: { billing_dispute: true } } });
  }, 60_000);

  test("budget stop: the agent's budget stopped the turn", async () => {
    const penny = tg.bots[2]!.token;
    const { reply, calls } = await say(++chat, "Please summarise the report", penny);
    expect(reply).toMatch(/budget/i);
    expect(calls).toBe(0);
    const [e] = await entryFor("out_of_budget");
    expect(e!.data).toMatchObject({ source: "budget", signals: { budget_stop: true } });
    expect(escalated.find((r) => r.rule === "out_of_budget")!.source).toBe("budget");
  }, 60_000);

  test("two tenants: Globex has no rules, the same messages are answered, nothing crosses", async () => {
    const bob = tg.bots[1]!.token;
    const c = ++chat;
    expect((await say(c, "This is outrageous, you people are useless and I am absolutely furious!", bob)).calls).toBe(1);
    expect((await say(c, "I will have my attorneys look at this.", bob)).calls).toBe(1);
    expect(await entries(globex)).toEqual([]);
    expect(escalated.every((r) => r.tenantId === acme)).toBe(true);
    const own = await t.app.db.withTenant(globex, (tx) => tx.select().from(auditLog).where(and(eq(auditLog.tenantId, acme))));
    expect(own).toEqual([]);
  }, 60_000);
});
