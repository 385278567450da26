/**
 * Budget reservations on both databases: a reservation holds room from every other call of the
 * agent until it is settled with the call's usage, or lapses; another tenant never sees it (RLS).
 * Through the real pipeline: concurrent turns of one agent, each on its own chat, against a provider
 * that writes until max_tokens, never spend past the cap — every turn answered or told the budget
 * is spent, and no reservation is left behind.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { agents, budgetReservations, llmCalls } from "../db/schema/index.ts";
import { rowsOf, statement } from "../db/set-sql.ts";
import { startTestApp, type TestApp } from "../../test/support/app.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { inbound, RecordingChannel } from "../../test/support/recording-channel.ts";
import { ledgerParts } from "./ledger.ts";
import { reserve } from "./reservations.ts";

const CAP = 0.05;

describe.each(DB_KINDS)("budget reservations on %s Postgres", (kind) => {
  let llm: LlmMock;
  let t: TestApp;
  const chans = new Map<string, RecordingChannel>();
  const agentOf = (slug: string, budget: number) => ({ slug, name: slug, models: ["pricey/gpt-pricey"], budget: { daily_usd: budget }, channels: [{ kind: "telegram", name: "tg", bot_token: `123:${slug}` }] });
  const idOf = async (tenant: string) => {
    const { tenantId } = await t.channel(tenant, "tg");
    const [a] = await t.app.db.withTenant(tenantId, (tx) => tx.select({ id: agents.id }).from(agents));
    return { tenantId, agentId: a!.id };
  };

  beforeAll(async () => {
    llm = await startLlmMock();
    t = await startTestApp(
      kind,
      {
        llm: { providers: [{ id: "pricey", kind: "openai", base_url: llm.url, api_key: "sk-pricey" }], prices: { "pricey/gpt-pricey": { input_per_mtok: 1, output_per_mtok: 100 } } },
        limits: { user: { capacity: 100, refill_per_sec: 100 }, tenant: { capacity: 1000, refill_per_sec: 1000 } },
        tenants: [
          { slug: "acme", name: "Acme", agents: [agentOf("ada", CAP)] },
          { slug: "globex", name: "Globex", agents: [agentOf("bob", 1)] },
        ],
      },
      { adapters: { telegram: (def) => (chans.set(`${def.tenantId}:${def.name}`, new RecordingChannel()), chans.get(`${def.tenantId}:${def.name}`)!) } },
    );
  });
  afterAll(async () => {
    await t.cleanup();
    await llm.stop();
  });

  test("a reservation holds room from other calls until settled or lapsed; another tenant never sees it", async () => {
    const { tenantId, agentId } = await idOf("globex");
    const caps = { daily: 1, monthly: 0 };
    const first = await reserve(t.app.db, { tenantId, agentId, caps, own: 0, mine: [], want: 0.6, waitMs: 0 });
    expect(first).toMatchObject({ room: { usd: 0.6, cap: "daily" } });
    // Only 0.4 is free while the first is held: taken (no wait), and then nothing is left.
    const second = await reserve(t.app.db, { tenantId, agentId, caps, own: 0, mine: [], want: 0.6, waitMs: 0 });
    expect("room" in second && second.room.usd).toBeCloseTo(0.4, 9);
    expect(await reserve(t.app.db, { tenantId, agentId, caps, own: 0, mine: [], want: 0.1, waitMs: 0 })).toEqual({ stop: expect.stringMatching(/daily budget of \$1\.00 reached/) });
    const acme = await idOf("acme");
    expect(await t.app.db.withTenant(acme.tenantId, (tx) => tx.select().from(budgetReservations))).toEqual([]);
    // Settled with the usage rows (ledgerParts): the room comes back.
    const ids = [first, second].map((r) => ("id" in r ? r.id! : ""));
    await t.app.db.withTenant(tenantId, (tx) => rowsOf(tx, statement(ledgerParts({ calls: [], audits: [], reservations: [{ tenantId, id: ids[0]! }] }))));
    const third = await reserve(t.app.db, { tenantId, agentId, caps, own: 0, mine: [], want: 0.5, waitMs: 0 });
    expect("room" in third && third.room.usd).toBeCloseTo(0.5, 9);
    // A dead process's reservations lapse: expired rows are neither counted nor kept.
    await t.app.db.withTenant(tenantId, (tx) => tx.update(budgetReservations).set({ expiresAt: sql`now() - interval '1 second'` }));
    expect(await reserve(t.app.db, { tenantId, agentId, caps, own: 0.25, mine: [], want: 0, waitMs: 0 })).toMatchObject({ id: null, room: { usd: 0.75 } });
    expect(await t.app.db.withTenant(tenantId, (tx) => tx.select().from(budgetReservations))).toEqual([]);
  });

  test("concurrent turns near the cap never spend past it; every turn answered once, no reservation left", async () => {
    // A provider that writes until max_tokens (100 000 tokens = $10 at this price without one).
    llm.on({}, { text: "long answer", delayMs: 50, usage: ({ maxTokens }) => ({ promptTokens: 20, completionTokens: maxTokens ?? 100_000 }) });
    const { tenantId, agentId } = await idOf("acme");
    const c = chans.get(`${tenantId}:tg`)!;
    await Promise.all(Array.from({ length: 8 }, (_, i) => c.sink!(inbound(`question ${i}`, `chat-${i}`))));
    await t.app.gateway.pipeline.idle();
    const [spent] = await t.app.db.withTenant(tenantId, (tx) => tx.select({ usd: sql<string>`coalesce(sum(cost_usd), 0)` }).from(llmCalls).where(eq(llmCalls.agentId, agentId)));
    expect(Number(spent!.usd)).toBeGreaterThan(CAP * 0.9);
    expect(Number(spent!.usd)).toBeLessThanOrEqual(CAP);
    expect(c.sent).toHaveLength(8);
    expect(c.sent.filter((m) => m.text === "long answer").length).toBeGreaterThanOrEqual(1);
    expect(c.sent.filter((m) => /budget/.test(m.text)).length).toBeGreaterThanOrEqual(1);
    expect(await t.app.db.withTenant(tenantId, (tx) => tx.select().from(budgetReservations))).toEqual([]);
  }, 60_000);
});
