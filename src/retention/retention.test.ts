/**
 * Retention on both databases, two tenants: A keeps 30 days of messages, 7 of deliveries, 60 of audit
 * and 10 of LLM call rows; B has no settings and the platform default keeps everything. Old rows of A
 * go (more of them than one batch), B's stay, rows still pending delivery stay, usage totals stay; a
 * second run deletes nothing; with two engines (replicas) the day's run happens once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import pino from "pino";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import { validate } from "../config/load.ts";
import type { Database } from "../db/database.ts";
import { auditLog, channels, conversations, handoffs, inboundEvents, llmCalls, messages, outboundMessages, usageDaily } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { JobEngine } from "../jobs/engine.ts";
import { defineRetentionJob, runRetention, startRetentionTicker } from "./job.ts";

const log = pino({ level: "silent" });
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const OLD = 100;
const MANY = 12; // more than the test batch of 5

async function seed(db: Database, tenantId: string, agentId: string): Promise<void> {
  await db.withTenant(tenantId, async (tx) => {
    const [ch] = await tx.insert(channels).values({ tenantId, agentId, kind: "webchat", name: "w", mode: "webhook", secrets: new Uint8Array(0) }).returning();
    const channelId = ch!.id;
    const [closed] = await tx.insert(conversations).values({ tenantId, agentId, channelId, chatKey: "old", startedAt: ago(OLD), lastMessageAt: ago(OLD), closedAt: ago(OLD) }).returning();
    const [open] = await tx.insert(conversations).values({ tenantId, agentId, channelId, chatKey: "new" }).returning();
    // Closed and old, but a person still holds it: kept (with its one old message, which goes).
    const [held] = await tx.insert(conversations).values({ tenantId, agentId, channelId, chatKey: "held", startedAt: ago(OLD), lastMessageAt: ago(OLD), closedAt: ago(OLD) }).returning();
    await tx.insert(handoffs).values({ tenantId, agentId, conversationId: held!.id, reason: "r", rule: "x", source: "tool", status: "taken" });
    await tx.insert(messages).values({ tenantId, conversationId: held!.id, role: "user", content: "held", createdAt: ago(OLD) });
    await tx.insert(messages).values([...Array(MANY)].map((_, i) => ({ tenantId, conversationId: closed!.id, role: "user", content: `old ${i}`, createdAt: ago(OLD) })));
    await tx.insert(messages).values({ tenantId, conversationId: open!.id, role: "user", content: "fresh" });
    const event = (key: string, status: string) => ({ tenantId, channelId, eventKey: key, status, message: {}, receivedAt: ago(OLD) });
    const evs = await tx.insert(inboundEvents).values([...[...Array(MANY)].map((_, i) => event(`done-${i}`, "done")), event("waiting-outbox", "done"), event("still-pending", "pending")]).returning();
    const byKey = new Map(evs.map((e) => [e.eventKey, e.id]));
    const out = (key: string, status: string) => ({ tenantId, inboundEventId: byKey.get(key)!, seq: 0, channelId, chatKey: "old", text: "hi", status, createdAt: ago(OLD) });
    await tx.insert(outboundMessages).values([out("done-0", "sent"), out("done-1", "failed"), out("waiting-outbox", "pending")]);
    await tx.insert(llmCalls).values([...Array(MANY)].map(() => ({ tenantId, agentId, provider: "p", model: "m", ok: true, createdAt: ago(OLD) })));
    await tx.insert(usageDaily).values({ tenantId, agentId, day: ago(OLD).toISOString().slice(0, 10), provider: "p", model: "m", calls: MANY });
    await tx.insert(auditLog).values([...Array(MANY)].map((_, i) => ({ tenantId, kind: "inbound", summary: `old ${i}`, at: ago(OLD) })));
    await tx.insert(auditLog).values({ tenantId, kind: "inbound", summary: "recent", at: ago(1) });
  });
}

async function counts(db: Database, tenantId: string): Promise<Record<string, unknown>> {
  return db.withTenant(tenantId, async (tx) => {
    const [row] = await rowsOf<Record<string, unknown>>(
      tx,
      sql`select (select count(*)::int from messages) as messages, (select count(*)::int from conversations) as conversations,
        (select count(*)::int from inbound_events) as inbound, (select string_agg(status, ',' order by status) from outbound_messages) as outbox,
        (select string_agg(event_key, ',' order by event_key) from inbound_events where event_key not like 'done-%') as kept_events,
        (select count(*)::int from llm_calls) as llm_calls, (select count(*)::int from usage_daily) as usage_days,
        (select count(*)::int from audit_log where kind <> 'retention.purge') as audit, (select count(*)::int from audit_log where kind = 'retention.purge') as summaries`,
    );
    return row!;
  });
}

describe.each(DB_KINDS)("retention on %s Postgres", (kind) => {
  let t: TestDatabase;
  let ids: TwoTenants;
  const config = validate({
    retention: { messages_days: 0, deliveries_days: 0, audit_days: 0, llm_calls_days: 0 },
    tenants: [{ slug: "ret-a", name: "A", retention: { messages_days: 30, deliveries_days: 7, audit_days: 60, llm_calls_days: 10 } }],
  });
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    ids = await seedTwoTenants(t.db, "ret");
    for (const k of ["A", "B"] as const) await seed(t.db, ids[k].tenant, ids[k].agent);
  }, 60_000);
  afterAll(() => t.cleanup());

  test("A's old rows go in batches, pending deliveries and usage totals stay; B keeps everything", async () => {
    const before = await counts(t.db, ids.B.tenant);
    const run = await runRetention({ db: t.db, config, log }, "2026-01-01", { batch: 5 });
    expect(run).toMatchObject({ ran: true, tenants: 2 });
    expect(await counts(t.db, ids.A.tenant)).toEqual({
      messages: 1,
      conversations: 2,
      inbound: 2,
      outbox: "pending",
      kept_events: "still-pending,waiting-outbox",
      llm_calls: 0,
      usage_days: 1,
      audit: 1,
      summaries: 1,
    });
    expect(await counts(t.db, ids.B.tenant)).toEqual({ ...before, summaries: 1 });
    const [summary] = await t.db.withTenant(ids.A.tenant, (tx) => rowsOf<{ data: { counts: Record<string, number>; complete: boolean } }>(tx, sql`select data from audit_log where kind = 'retention.purge'`));
    expect(summary!.data).toMatchObject({ complete: true, counts: { messages: MANY + 1, conversations: 1, outbound_messages: 2, inbound_events: MANY, llm_calls: MANY, audit_log: MANY } });
    expect(run.deleted).toBe(MANY * 4 + 1 + 1 + 2);
  });

  test("the same day is not run twice; the next day's run deletes nothing more", async () => {
    expect(await runRetention({ db: t.db, config, log }, "2026-01-01", { batch: 5 })).toMatchObject({ ran: false, deleted: 0 });
    expect(await runRetention({ db: t.db, config, log }, "2026-01-02", { batch: 5 })).toMatchObject({ ran: true, deleted: 0 });
  });

  test("a spent time budget stops before the first batch and says so", async () => {
    expect(await runRetention({ db: t.db, config, log }, "2026-01-03", { batch: 5, budgetMs: -1 })).toMatchObject({ ran: true, deleted: 0 });
    const rows = await t.db.withTenant(ids.A.tenant, (tx) => rowsOf<{ complete: boolean }>(tx, sql`select (data->>'complete')::boolean as complete from audit_log where kind = 'retention.purge' and data->>'day' = '2026-01-03'`));
    expect(rows).toEqual([{ complete: false }]);
  });

  test("nothing configured anywhere: a tick queues nothing and does not load the job engine", async () => {
    const none = validate({ retention: { deliveries_days: 0, llm_calls_days: 0 } });
    const engine = new JobEngine({ db: t.db, url: t.url, pollSeconds: 0.5, log });
    defineRetentionJob(engine, { db: t.db, config: none, log });
    const ticker = startRetentionTicker(engine, { db: t.db, config: none, log }, 3_600_000);
    expect(await ticker.tick(new Date("2031-05-04T03:00:00Z"))).toBe(false);
    expect(engine.running).toBe(false);
    ticker.stop();
    await engine.stop();
  });

  test("two engines (replicas) queue and work the day's run once", async () => {
    const engines = [0, 1].map(() => new JobEngine({ db: t.db, url: t.url, pollSeconds: 0.5, log }));
    for (const e of engines) defineRetentionJob(e, { db: t.db, config, log });
    const tickers = engines.map((e) => startRetentionTicker(e, { db: t.db, config, log }, 3_600_000));
    const now = new Date("2031-05-05T03:00:00Z");
    // Two engines on one embedded database share its single connection: installing pg-boss from both at
    // once interleaves their transactions (a real deployment has one engine per embedded database, and
    // replicas need the external one). Start them one after the other; the ticks still race.
    for (const e of engines) await e.warm();
    await Promise.all(tickers.map((tk) => tk.tick(now)));
    const day = "2031-05-05";
    const summaries = async () => {
      const n: number[] = [];
      for (const k of ["A", "B"] as const) n.push((await t.db.withTenant(ids[k].tenant, (tx) => rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from audit_log where kind = 'retention.purge' and data->>'day' = ${day}`)))[0]!.n);
      return n;
    };
    const jobs = () => t.db.driver.raw.query<{ state: string }>(`select state::text from pgboss.job where name = 'retention' and data->>'day' = '${day}'`);
    // Wait for the outcome, not for a quiet queue: under load a worker may not have fetched the job yet.
    for (const until = Date.now() + 30_000; Date.now() < until; await Bun.sleep(100)) {
      if ((await summaries()).every((n) => n > 0) || (await jobs()).some((j) => j.state === "failed")) break;
    }
    for (const e of engines) await e.settled("retention");
    // A failed run (retryLimit 0) would read as "no summary": say what the job ended as. Two jobs may
    // exist — the singleton key only covers queued and active ones; the day's claim makes the second a no-op.
    const runs = await jobs();
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.map((r) => r.state).filter((st) => st !== "completed")).toEqual([]);
    expect(await summaries()).toEqual([1, 1]);
    // Done for the day: a later tick queues nothing.
    expect(await tickers[1]!.tick(now)).toBe(false);
    for (const tk of tickers) tk.stop();
    await Promise.all(engines.map((e) => e.stop()));
  }, 60_000);
});
