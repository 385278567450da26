/**
 * A finished task's result when its channel is not connected at that moment (restart, a channel
 * being re-saved): the send is recorded `failed`, not in doubt, and the task stays unreported, so
 * the sweep's later attempt really sends it — once. Both databases; the other tenant sees nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { OutboundText } from "../channels/types.ts";
import { channels, outboundMessages, tasks } from "../db/schema/index.ts";
import { originEvent } from "../gateway/origin.ts";
import { Outbox } from "../gateway/outbox.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import { deliverResult, prepareResult } from "./report.ts";
import { insertTask } from "./store.ts";

describe.each(DB_KINDS)("task results on %s Postgres", (kind) => {
  let t: TestDatabase;
  let ids: TwoTenants;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    ids = await seedTwoTenants(t.db, "r");
  });
  afterAll(() => t.cleanup());

  test("no connection now → failed send, unreported; the next attempt sends it once", async () => {
    const tenantId = ids.A.tenant;
    const channelId = crypto.randomUUID();
    const eventId = crypto.randomUUID();
    const task = await t.db.withTenant(tenantId, async (tx) => {
      await tx.insert(channels).values({ tenantId, id: channelId, agentId: ids.A.agent, kind: "telegram", name: "tg", mode: "polling", secrets: new Uint8Array(0) });
      await originEvent(tx, tenantId, { id: eventId, channelId, origin: "trigger" });
      const row = await insertTask(tx, { tenantId, agentId: ids.A.agent, requestedBy: "u1", goal: "report", channelId, chatKey: "42", eventId });
      return { ...row, status: "done" as const, result: "the report" };
    });
    const sent: OutboundText[] = [];
    const adapter = { send: async (m: OutboundText) => (sent.push(m), { externalId: `m${sent.length}` }) };
    const deps = (connected: boolean) => ({ db: t.db, outbox: new Outbox(t.db, { baseDelayMs: 1 }), connection: () => (connected ? { adapter } : undefined) });
    const attempt = async (connected: boolean) => deliverResult(deps(connected) as never, task, await t.db.withTenant(tenantId, (tx) => prepareResult(tx, task)));

    expect(await attempt(false)).toBe(false);
    const rows = () => t.db.withTenant(tenantId, (tx) => tx.select().from(outboundMessages).where(eq(outboundMessages.inboundEventId, eventId)));
    expect((await rows()).map((r) => r.status)).toEqual(["failed"]);
    const [unreported] = await t.db.withTenant(tenantId, (tx) => tx.select().from(tasks).where(eq(tasks.id, task.id)));
    expect(unreported!.reportedAt).toBeNull();

    expect(await attempt(true)).toBe(true);
    expect(await attempt(true)).toBe(true);
    expect(sent.map((m) => [m.chatKey, m.text.includes("the report")])).toEqual([["42", true]]);
    expect((await rows()).map((r) => r.status)).toEqual(["sent"]);
    expect(await t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(outboundMessages))).toEqual([]);
  });
});
