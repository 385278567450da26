/**
 * A turn cut short by a crash, resumed from its journal, on both databases: the model response
 * that was recorded (with its usage) is not asked for — nor paid for — again. The "crash" is a tool
 * that throws out of the turn the first time, before anything after it is written; the resumed run
 * starts from nothing but what the database holds.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import pino from "pino";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { agents, type Agent, channels, inboundEvents, llmCalls, tenants } from "../db/schema/index.ts";
import { Inbox } from "../gateway/inbox.ts";
import type { Attempt, ChatRequest, ChatResult } from "../llm/types.ts";
import { TurnJournal } from "./journal.ts";
import { Ledger } from "./ledger.ts";
import { runTurn } from "./loop.ts";
import type { Tools } from "./tools.ts";

describe.each(DB_KINDS)("turn journal on %s Postgres", (kind) => {
  let t: TestDatabase;
  let tenantId: string;
  let agent: Agent;
  let eventId: string;
  let conversationId: string;

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    const [tenant] = await t.db.platform((tx) => tx.insert(tenants).values({ slug: "a", name: "A" }).returning({ id: tenants.id }));
    tenantId = tenant!.id;
    const channelId = await t.db.withTenant(tenantId, async (tx) => {
      agent = (await tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada", models: ["mock/m"] }).returning())[0]!;
      const [ch] = await tx.insert(channels).values({ tenantId, agentId: agent.id, kind: "slack", name: "s", mode: "events", secrets: new Uint8Array([1]) }).returning({ id: channels.id });
      return ch!.id;
    });
    eventId = (await new Inbox(t.db, { owner: "test" }).record({ tenantId, channelId }, { eventKey: "E1", chatKey: "C1", sender: { id: "U" }, text: "look it up", attachments: [], receivedAt: "", raw: {} })).id;
    conversationId = crypto.randomUUID();
  });
  afterAll(() => t.cleanup());

  test("a crash while the tool runs: the resumed turn replays the recorded response, the model is asked once per round", async () => {
    const asked: ChatRequest[] = [];
    const pool = {
      async chat(_models: string[], req: ChatRequest): Promise<ChatResult & { attempts: Attempt[] }> {
        asked.push(req);
        const toolRound = !req.messages.some((m) => m.role === "tool");
        const answer = toolRound ? { content: "", toolCalls: [{ id: "call-1", name: "lookup", arguments: { q: "x" } }] } : { content: "Found it.", toolCalls: [] };
        return { ...answer, usage: { promptTokens: 10, completionTokens: 5 }, provider: "mock", model: "m", latencyMs: 1, attempts: [{ provider: "mock", model: "m", ok: true, latencyMs: 1 }] };
      },
    };
    let runs = 0;
    const tools: Tools = {
      specs: () => [{ name: "lookup", description: "looks up", parameters: { type: "object" } }],
      async run() {
        if (++runs === 1) throw new Error("simulated kill -9 while the tool runs");
        return "the result";
      },
    };
    const deps = { db: t.db, pool, tools, log: pino({ level: "silent" }) };
    const input = () => ({ tenantId, agent, conversationId, history: [{ role: "user" as const, content: "look it up" }], spend: { today: 0, month: 0 }, ledger: new Ledger({ tenantId, agentId: agent.id, conversationId }, {}) });

    // First life: the model asks for the tool; the response and its usage are written; the process dies in the tool.
    await expect(runTurn(deps, { ...input(), journal: new TurnJournal(tenantId, eventId) })).rejects.toThrow("simulated kill -9");
    expect(asked).toHaveLength(1);

    // Second life: only what the database holds.
    const journal = await t.db.withTenant(tenantId, (tx) => TurnJournal.load(tx, tenantId, eventId));
    expect(journal.recorded(0)).toMatchObject({ toolCalls: [{ id: "call-1", name: "lookup" }] });
    const outcome = await runTurn(deps, { ...input(), journal });
    expect(outcome).toEqual({ kind: "reply", text: "Found it." });
    // The tool round was not asked again: one request per round in all, the second one carrying the tool's result.
    expect(asked).toHaveLength(2);
    expect(asked[1]!.messages.at(-1)).toMatchObject({ role: "tool", content: "the result", toolCallId: "call-1" });
    // Billed once: the recorded call's usage row exists exactly once (the final call is the caller's to write).
    const calls = await t.db.withTenant(tenantId, (tx) => tx.select().from(llmCalls).where(eq(llmCalls.conversationId, conversationId)));
    expect(calls).toHaveLength(1);
  });

  test("another tenant cannot read or overwrite the journal (RLS)", async () => {
    const [other] = await t.db.platform((tx) => tx.insert(tenants).values({ slug: "b", name: "B" }).returning({ id: tenants.id }));
    const seen = await t.db.withTenant(other!.id, (tx) => TurnJournal.load(tx, other!.id, eventId));
    expect(seen.recorded(0)).toBeUndefined();
    await t.db.withTenant(other!.id, (tx) => new TurnJournal(tenantId, eventId, []).write(tx));
    const [row] = await t.db.withTenant(tenantId, (tx) => tx.select({ p: inboundEvents.turnProgress }).from(inboundEvents).where(eq(inboundEvents.id, eventId)));
    expect(Array.isArray(row!.p) && row!.p.length).toBe(1);
  });
});
