/**
 * The heartbeat on both databases, two tenants, through the real pool and the LLM mock (its journal
 * is what was called) and the real outbox (a recording channel adapter stands for the connection):
 * idle beats make no model call at all; one finished task makes exactly one call with only that
 * item in the prompt, recorded with its tokens, and its message is sent once to the notify chat;
 * a send that failed (or found no connection) is sent once by a later tick's sweep; quiet hours
 * suppress beats; one tenant's events and runs never reach another's; a due agent is claimed once
 * by racing tickers. (test/e2e/heartbeat-telegram.test.ts does the same through Telegram.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import pino from "pino";
import type { OutboundText } from "../channels/types.ts";
import { agents, approvals, channels, conversations, type HeartbeatSettings, heartbeatRuns, llmCalls, outboundMessages, scheduleRuns, schedules, tasks, tenants } from "../db/schema/index.ts";
import { Outbox, SendError } from "../gateway/outbox.ts";
import { LlmPool } from "../llm/pool.ts";
import { insertTask } from "../tasks/store.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { heartbeatSummary } from "./runs.ts";
import { claimDue, tick } from "./ticker.ts";

const PRICES = { "mock/cheap": { input_per_mtok: 1, output_per_mtok: 2 } };
const MINUTE = 60_000;

describe.each(DB_KINDS)("heartbeat on %s Postgres", (kind) => {
  let t: TestDatabase;
  let llm: LlmMock;
  let deps: Parameters<typeof tick>[0];
  const ids: Record<"A" | "B", { tenant: string; agent: string }> = {} as never;
  const settings: HeartbeatSettings = { everyMinutes: 30, quietHours: null, checklist: "Tell me when a task finishes.", notify: { channel: "ops", chat: "42" } };
  /** What the notify channel received, per tenant; `failNext` makes its next sends fail; `down` = not connected. */
  const received: Record<string, OutboundText[]> = {};
  const channel = { failNext: 0, down: false };
  const channelIds = new Map<string, string>();
  let clock = new Date("2026-06-01T10:00:00Z");
  const later = (min: number) => (clock = new Date(clock.getTime() + min * MINUTE));

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    llm = await startLlmMock();
    const pool = new LlmPool([{ id: "mock", kind: "openai", baseUrl: llm.url, apiKey: "", timeoutMs: 10_000, maxConcurrency: 4 }]);
    const reach = {
      outbox: new Outbox(t.db),
      connection: (id: string) => {
        const tenant = channelIds.get(id);
        if (!tenant || channel.down) return undefined;
        return {
          adapter: {
            send: async (m: OutboundText) => {
              if (channel.failNext > 0 && channel.failNext--) throw new SendError("chat not reachable", false);
              (received[tenant] ??= []).push(m);
              return { externalId: String(received[tenant]!.length) };
            },
          },
        };
      },
    };
    deps = { db: t.db, pool, log: pino({ level: "silent" }), prices: PRICES, reach };
    for (const k of ["A", "B"] as const) {
      const [row] = await t.db.platform((tx) => tx.insert(tenants).values({ slug: `hb-${k.toLowerCase()}`, name: k }).returning({ id: tenants.id }));
      const tenant = row!.id;
      const [a] = await t.db.withTenant(tenant, (tx) =>
        tx.insert(agents).values({ tenantId: tenant, slug: "ada", name: "Ada", models: ["mock/cheap", "mock/strong"], heartbeat: settings, createdAt: new Date("2026-01-01") }).returning({ id: agents.id }),
      );
      ids[k] = { tenant, agent: a!.id };
      const [c] = await t.db.withTenant(tenant, (tx) =>
        tx.insert(channels).values({ tenantId: tenant, agentId: a!.id, kind: "telegram", name: "ops", mode: "polling", secrets: new Uint8Array([0]) }).returning({ id: channels.id }),
      );
      channelIds.set(c!.id, tenant);
    }
  });
  afterAll(async () => {
    await llm.stop();
    await t.cleanup();
  });
  beforeEach(async () => {
    await llm.reset();
    llm.on({}, { text: '{"notify": true, "message": "Task #1 is done: the report is ready."}', usage: { promptTokens: 120, completionTokens: 15 } });
  });

  const runs = (k: "A" | "B") => t.db.withTenant(ids[k].tenant, (tx) => tx.select().from(heartbeatRuns).where(eq(heartbeatRuns.agentId, ids[k].agent)).orderBy(heartbeatRuns.at));
  const finishTask = (k: "A" | "B", goal: string) =>
    t.db.withTenant(ids[k].tenant, async (tx) => {
      const task = await insertTask(tx, { tenantId: ids[k].tenant, agentId: ids[k].agent, requestedBy: "u1", goal });
      await tx.update(tasks).set({ status: "done", result: "report ready", finishedAt: new Date(clock.getTime() + MINUTE) }).where(eq(tasks.id, task.id));
    });

  test("idle beats make no model call and cost 0 tokens", async () => {
    for (let i = 0; i < 4; i++) {
      expect(await tick(deps, clock)).toBe(2); // both tenants' agents beat
      later(30);
    }
    expect(llm.journal()).toEqual([]);
    for (const k of ["A", "B"] as const) {
      const r = await runs(k);
      expect(r.map((x) => [x.decision, x.items, x.promptTokens + x.completionTokens, Number(x.costUsd)])).toEqual(Array(4).fill(["idle", 0, 0, 0]));
    }
  });

  test("not due yet → no beat; one finished task → exactly one call, on the cheap model, only to its tenant", async () => {
    expect(await tick(deps, new Date(clock.getTime() - 10 * MINUTE))).toBe(0);
    await finishTask("A", "write the quarterly report");
    later(30);
    expect(await tick(deps, clock)).toBe(2);
    const journal = llm.journal();
    expect(journal).toHaveLength(1);
    expect(journal[0]!.model).toBe("cheap");
    const sent = JSON.stringify(journal[0]!.messages);
    expect(sent).toContain("write the quarterly report");
    expect(sent).toContain("Tell me when a task finishes.");
    const [a, b] = [(await runs("A")).at(-1)!, (await runs("B")).at(-1)!];
    expect([a.decision, a.items, a.promptTokens, a.completionTokens, a.message]).toEqual(["notify", 1, 120, 15, "Task #1 is done: the report is ready."]);
    expect(Number(a.costUsd)).toBeCloseTo((120 * 1 + 15 * 2) / 1e6, 9);
    expect([b.decision, b.items]).toEqual(["idle", 0]);
    // Counted in usage: the call is in A's llm_calls, none in B's.
    const calls = (k: "A" | "B") => t.db.withTenant(ids[k].tenant, (tx) => tx.select().from(llmCalls));
    expect((await calls("A")).map((c) => [c.model, c.promptTokens])).toEqual([["cheap", 120]]);
    expect(await calls("B")).toEqual([]);
    // What the console's agent page shows: 5 beats, one of them with a model call, its tokens.
    const summary = await t.db.withTenant(ids.A.tenant, (tx) => heartbeatSummary(tx, ids.A.agent));
    expect([summary.runs, summary.modelCalls, summary.tokens, summary.recent[0]!.decision]).toEqual([5, 1, 135, "notify"]);
    expect((await t.db.withTenant(ids.B.tenant, (tx) => heartbeatSummary(tx, ids.A.agent))).runs).toBe(0);
    // The message went out once, to A's notify chat only, and the run says so.
    expect(received[ids.A.tenant]!.map((m) => [m.chatKey, m.text])).toEqual([["42", "Task #1 is done: the report is ready."]]);
    expect(received[ids.B.tenant]).toBeUndefined();
    expect(a.deliveredAt).not.toBeNull();
    // The next beat sees nothing new again.
    later(30);
    await llm.reset();
    expect(await tick(deps, clock)).toBe(2);
    expect(llm.journal()).toEqual([]);
    expect(received[ids.A.tenant]).toHaveLength(1);
  });

  test("a send that failed, or found no connection, is sent once by a later tick", async () => {
    const outbound = (k: "A" | "B") => t.db.withTenant(ids[k].tenant, (tx) => tx.select().from(outboundMessages));
    for (const [i, fault] of (["failNext", "down"] as const).entries()) {
      const before = received[ids.A.tenant]?.length ?? 0;
      if (fault === "failNext") channel.failNext = 1;
      else channel.down = true;
      await finishTask("A", `job ${i}`);
      later(30);
      await tick(deps, clock);
      let run = (await runs("A")).at(-1)!;
      expect([run.decision, run.deliveredAt]).toEqual(["notify", null]);
      expect(run.deliveryError).toContain(fault === "failNext" ? "chat not reachable" : "not connected");
      expect(received[ids.A.tenant]!.length).toBe(before);
      channel.down = false;
      // Within RETRY_MS of the attempt nothing is retried; a later tick's sweep sends it, once.
      await tick(deps, new Date(clock.getTime() + 1000));
      expect(received[ids.A.tenant]!.length).toBe(before);
      later(30);
      await tick(deps, clock);
      later(30);
      await tick(deps, clock);
      expect(received[ids.A.tenant]!.length).toBe(before + 1);
      run = (await runs("A")).find((r) => r.id === run.id)!;
      expect([run.deliveredAt !== null, run.deliveryError]).toEqual([true, null]);
    }
    // One outbox row per notify run, each sent; B has none of A's.
    const rows = await outbound("A");
    expect(rows.every((r) => r.status === "sent")).toBe(true);
    expect(rows).toHaveLength((await runs("A")).filter((r) => r.decision === "notify").length);
    expect(await outbound("B")).toEqual([]);
  });

  test("the pre-check also sees its schedules' runs and decided approvals — each tenant only its own", async () => {
    const soon = () => new Date(clock.getTime() + MINUTE);
    for (const k of ["A", "B"] as const) {
      const { tenant, agent } = ids[k];
      await t.db.withTenant(tenant, async (tx) => {
        const [s] = await tx.insert(schedules).values({ tenantId: tenant, number: 1, agentId: agent, cron: "0 9 * * 1", instruction: `${k} weekly briefing`, nextRunAt: clock }).returning();
        await tx.insert(scheduleRuns).values([
          { tenantId: tenant, scheduleId: s!.id, dueAt: clock, status: "skipped", reason: "paused", at: soon() },
          { tenantId: tenant, scheduleId: s!.id, dueAt: new Date(clock.getTime() - MINUTE), status: "late", lateMs: 120_000, at: soon() },
        ]);
        if (k !== "A") return;
        const channelId = [...channelIds].find(([, tn]) => tn === tenant)![0];
        const [c] = await tx.insert(conversations).values({ tenantId: tenant, agentId: agent, channelId, chatKey: "42" }).returning();
        await tx.insert(approvals).values({
          tenantId: tenant, agentId: agent, conversationId: c!.id, channelId, chatKey: "42", eventId: crypto.randomUUID(), seq: 1,
          requestedBy: "u1", tool: "send_invoice", arguments: {}, summary: "send invoice 7 to Globex", state: {}, status: "denied", decidedBy: "u9", decidedAt: soon(), expiresAt: soon(),
        });
      });
    }
    later(30);
    expect(await tick(deps, clock)).toBe(2);
    const prompts = llm.journal().map((r) => JSON.stringify(r.messages));
    expect(prompts).toHaveLength(2);
    const [a, b] = [prompts.find((p) => p.includes("A weekly briefing"))!, prompts.find((p) => p.includes("B weekly briefing"))!];
    expect(a).toContain("skipped (paused)");
    expect(a).toContain("ran late by 2 min");
    expect(a).toContain("Approval for send_invoice denied by u9: send invoice 7 to Globex");
    expect(a).not.toContain("B weekly");
    expect(b).not.toContain("A weekly");
    expect(b).not.toContain("send_invoice");
    expect((await runs("A")).at(-1)!.items).toBe(3);
    expect((await runs("B")).at(-1)!.items).toBe(2);
  });

  test("quiet hours suppress beats; what happened meanwhile is seen after them", async () => {
    const quiet = { ...settings, quietHours: { start: "22:00", end: "07:00", tz: "Europe/Oslo" } };
    await t.db.withTenant(ids.A.tenant, (tx) => tx.update(agents).set({ heartbeat: quiet }).where(eq(agents.id, ids.A.agent)));
    clock = new Date("2026-06-02T21:00:00Z"); // 23:00 in Oslo (CEST)
    const before = (await runs("A")).length;
    await finishTask("A", "night job");
    for (let i = 0; i < 4; i++) {
      await tick(deps, clock);
      later(30);
    }
    expect((await runs("A")).length).toBe(before);
    expect(llm.journal()).toEqual([]);
    clock = new Date("2026-06-03T05:30:00Z"); // 07:30 in Oslo
    await tick(deps, clock);
    expect(llm.journal()).toHaveLength(1);
    expect(JSON.stringify(llm.journal()[0]!.messages)).toContain("night job");
    expect((await runs("A")).at(-1)!.decision).toBe("notify");
  });

  test("an agent without a notify destination only records its decision; the sweep leaves it be", async () => {
    await t.db.withTenant(ids.B.tenant, (tx) => tx.update(agents).set({ heartbeat: { ...settings, notify: null } }).where(eq(agents.id, ids.B.agent)));
    const outbound = () => t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(outboundMessages));
    const [rowsBefore, sentBefore] = [(await outbound()).length, received[ids.B.tenant]?.length ?? 0];
    await finishTask("B", "B's own job");
    later(30);
    await tick(deps, clock);
    const run = (await runs("B")).at(-1)!;
    expect([run.decision, run.deliveredAt, run.deliveryError]).toEqual(["notify", null, "no notify destination configured (heartbeat.notify)"]);
    later(30);
    await tick(deps, clock);
    expect((await runs("B")).find((r) => r.id === run.id)!.deliveryTriedAt).toEqual(run.deliveryTriedAt);
    expect((await outbound()).length).toBe(rowsBefore);
    expect(received[ids.B.tenant]?.length ?? 0).toBe(sentBefore);
  });

  test("racing tickers claim a due agent once", async () => {
    later(60);
    const claims = await Promise.all([claimDue(t.db, ids.B.tenant, clock), claimDue(t.db, ids.B.tenant, clock)]);
    expect(claims.flat()).toHaveLength(1);
  });
});
