/**
 * The admin console's read models over real rows on both databases, two tenants: figures, filters,
 * pagination, transcript order — and that one tenant's rows never show in the other's.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../../test/support/db.ts";
import { eq } from "drizzle-orm";
import { agents, auditLog, channels, conversations, inboundEvents, llmCalls, messages, outboundMessages, tasks, tenants, usageDaily } from "../../db/schema/index.ts";
import { insertTask } from "../../tasks/store.ts";
import { exportAudit, listAudit } from "./audit.ts";
import { listConversations } from "./conversations.ts";
import { dashboardFigures } from "./dashboard.ts";
import { loadTranscript } from "./transcript.ts";
import { fillDays, usageReport } from "./usage.ts";

const today = new Date().toISOString().slice(0, 10);

describe.each(DB_KINDS)("admin queries on %s Postgres", (kind) => {
  let t: TestDatabase;
  let A: string;
  let B: string;
  const seeded: Record<string, { agent: string; conversations: string[] }> = {};

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    [A, B] = await t.db.platform(async (tx) =>
      (await tx.insert(tenants).values([{ slug: "acme", name: "Acme" }, { slug: "globex", name: "Globex" }]).returning({ id: tenants.id })).map((r) => r.id),
    ) as [string, string];
    seeded.A = await seed(A, "ada", 30);
    seeded.B = await seed(B, "bob", 2);
  });
  afterAll(() => t.cleanup());

  async function seed(tenantId: string, slug: string, n: number) {
    return t.db.withTenant(tenantId, async (tx) => {
      const [a] = await tx.insert(agents).values({ tenantId, slug, name: slug.toUpperCase() }).returning({ id: agents.id });
      const [c] = await tx.insert(channels).values({ tenantId, agentId: a!.id, kind: "telegram", name: "tg", mode: "polling", secrets: new Uint8Array([1]) }).returning({ id: channels.id });
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const at = new Date(Date.now() - i * 60_000);
        const [conv] = await tx
          .insert(conversations)
          .values({ tenantId, agentId: a!.id, channelId: c!.id, chatKey: `chat-${i}`, lastMessageAt: at, closedAt: i % 2 ? at : null })
          .returning({ id: conversations.id });
        ids.push(conv!.id);
      }
      const first = ids[0]!;
      const t0 = Date.now() - 5000;
      await tx.insert(messages).values([
        { tenantId, conversationId: first, role: "user", content: "what is the weather?", createdAt: new Date(t0) },
        { tenantId, conversationId: first, role: "assistant", content: "Sunny.", createdAt: new Date(t0 + 3000) },
      ]);
      await tx.insert(llmCalls).values([
        { tenantId, agentId: a!.id, conversationId: first, provider: "p1", model: "m1", ok: false, error: "http 500", createdAt: new Date(t0 + 1000) },
        { tenantId, agentId: a!.id, conversationId: first, provider: "p2", model: "m2", ok: true, promptTokens: 10, completionTokens: 5, costUsd: "0.25", createdAt: new Date(t0 + 2000) },
      ]);
      await tx.insert(auditLog).values([
        { tenantId, kind: "tool_call", agentId: a!.id, conversationId: first, summary: "get_weather", data: { arguments: { city: "Oslo" } }, at: new Date(t0 + 2500) },
        ...Array.from({ length: n }, (_, i) => ({ tenantId, kind: i % 3 ? "inbound" : "outbound", agentId: a!.id, summary: `entry ${i}, "quoted"`, actor: "u1", at: new Date(t0 - i * 1000) })),
      ]);
      await tx.insert(usageDaily).values({ tenantId, agentId: a!.id, day: today, provider: "p2", model: "m2", calls: 2, failedCalls: 1, promptTokens: 10, completionTokens: 5, costUsd: "0.25" });
      return { agent: a!.id, conversations: ids };
    });
  }

  test("dashboard figures count today's rows of this tenant only", async () => {
    // A reply left in doubt by a crash on a channel that cannot tell: counted, for tenant A only.
    await t.db.withTenant(A, async (tx) => {
      const [ch] = await tx.select({ id: channels.id }).from(channels).limit(1);
      const [ev] = await tx.insert(inboundEvents).values({ tenantId: A, channelId: ch!.id, eventKey: "crashed", status: "done", message: {} }).returning({ id: inboundEvents.id });
      await tx.insert(outboundMessages).values({ tenantId: A, inboundEventId: ev!.id, seq: 0, channelId: ch!.id, chatKey: "chat-0", text: "maybe", status: "unknown" });
    });
    const f = await dashboardFigures(t.db, A);
    expect(f).toMatchObject({ messagesToday: 2, failedLlmCalls: 1, unknownSends: 1, spendToday: 0.25, spendMonth: 0.25 });
    expect((await dashboardFigures(t.db, B)).unknownSends).toBe(0);
    // 30 conversations, every second one closed, all active within 24 h.
    expect(f.activeConversations).toBe(15);
    expect((await dashboardFigures(t.db, B)).activeConversations).toBe(1);
  });

  test("dashboard counts this tenant's background tasks by state", async () => {
    await t.db.withTenant(A, async (tx) => {
      for (const status of ["running", "waiting_approval", "queued", "queued", "failed", "done"] as const) {
        const task = await insertTask(tx, { tenantId: A, agentId: seeded.A!.agent, requestedBy: "u1", goal: status });
        await tx.update(tasks).set({ status, finishedAt: status === "failed" || status === "done" ? new Date() : null }).where(eq(tasks.id, task.id));
      }
    });
    expect(await dashboardFigures(t.db, A)).toMatchObject({ tasksRunning: 2, tasksWaiting: 1, tasksQueued: 2, tasksFailedToday: 1 });
    expect(await dashboardFigures(t.db, B)).toMatchObject({ tasksRunning: 0, tasksWaiting: 0, tasksQueued: 0, tasksFailedToday: 0 });
  });

  test("conversation list: newest first, filtered, paginated", async () => {
    const p1 = await listConversations(t.db, A, { page: 1 });
    expect(p1.rows).toHaveLength(25);
    expect(p1.hasNext).toBe(true);
    expect(p1.rows[0]!.id).toBe(seeded.A!.conversations[0]!);
    expect(p1.rows[0]).toMatchObject({ agentName: "ADA", channelName: "tg", messageCount: 2 });
    const p2 = await listConversations(t.db, A, { page: 2 });
    expect(p2.rows).toHaveLength(5);
    expect(p2.hasNext).toBe(false);
    expect((await listConversations(t.db, A, { state: "closed" })).rows.every((r) => r.closedAt)).toBe(true);
    expect((await listConversations(t.db, A, { agentId: seeded.B!.agent })).rows).toHaveLength(0);
    expect((await listConversations(t.db, A, { from: "2000-01-01", to: "2000-01-02" })).rows).toHaveLength(0);
  });

  test("transcript interleaves messages, LLM attempts and tool calls in time order", async () => {
    const tr = await loadTranscript(t.db, A, seeded.A!.conversations[0]!);
    expect(tr!.items.map((i) => (i.type === "message" ? i.role : i.type === "llm_call" ? `${i.provider}:${i.ok}` : i.kind))).toEqual([
      "user",
      "p1:false",
      "p2:true",
      "tool_call",
      "assistant",
    ]);
    // Another tenant's conversation id is simply not there.
    expect(await loadTranscript(t.db, B, seeded.A!.conversations[0]!)).toBeNull();
  });

  test("audit log filters by kind and pages; the export holds the whole selection", async () => {
    const outbound = await listAudit(t.db, A, { kind: "outbound" });
    expect(outbound.rows.length).toBe(10);
    expect(outbound.rows.every((r) => r.kind === "outbound" && r.agentName === "ADA")).toBe(true);
    const all = await listAudit(t.db, A, { page: 2 });
    expect(all.rows).toHaveLength(6);
    expect((await exportAudit(t.db, A, {})).length).toBe(31);
    expect((await exportAudit(t.db, B, {})).every((r) => r.agentName === "BOB")).toBe(true);
  });

  test("usage report sums per day, agent and model; missing days are zero", async () => {
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const r = await usageReport(t.db, A, { from, to: today });
    expect(r.total).toEqual({ calls: 2, failedCalls: 1, promptTokens: 10, completionTokens: 5, costUsd: 0.25 });
    expect(r.byModel).toEqual([{ model: "p2/m2", calls: 2, failedCalls: 1, promptTokens: 10, completionTokens: 5, costUsd: 0.25 }]);
    expect(r.byAgent[0]!.agentName).toBe("ADA");
    const days = fillDays({ from, to: today }, r.byDay);
    expect(days.map((d) => d.calls)).toEqual([0, 0, 2]);
  });
});
