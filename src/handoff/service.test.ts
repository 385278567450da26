/**
 * The handoff service and store as the application role sees them, with two tenants on both
 * databases: escalation is idempotent (also when two arrive at once), human mode is per conversation
 * and per tenant, exactly one of two concurrent *Take it* wins, closes happen once, every step is
 * in the audit trail, and the escalate tool opens a handoff.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { agents, auditLog, channels, conversations, tenants } from "../db/schema/index.ts";
import { createEscalateTool } from "./escalate-tool.ts";
import { DAYS } from "./hours.ts";
import { writeHours } from "./hours-store.ts";
import { expectedWait } from "./jobs.ts";
import { createHandoffService, type HandoffService } from "./service.ts";
import { closeHandoff, findHandoff, recordReply, takeHandoff } from "./store.ts";

describe.each(DB_KINDS)("handoff on %s Postgres", (kind) => {
  let t: TestDatabase;
  let svc: HandoffService;
  const ids: Record<string, { tenant: string; agent: string; conv: string; other: string }> = {};

  async function seed(slug: string) {
    const [tenant] = await t.db.platform((tx) => tx.insert(tenants).values({ slug, name: slug }).returning({ id: tenants.id }));
    const tenantId = tenant!.id;
    ids[slug] = await t.db.withTenant(tenantId, async (tx) => {
      const [a] = await tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada" }).returning({ id: agents.id });
      const [c] = await tx.insert(channels).values({ tenantId, agentId: a!.id, kind: "telegram", name: "tg", mode: "polling", secrets: new Uint8Array([1]) }).returning({ id: channels.id });
      const [conv] = await tx.insert(conversations).values({ tenantId, agentId: a!.id, channelId: c!.id, chatKey: "1" }).returning({ id: conversations.id });
      const [other] = await tx.insert(conversations).values({ tenantId, agentId: a!.id, channelId: c!.id, chatKey: "2" }).returning({ id: conversations.id });
      return { tenant: tenantId, agent: a!.id, conv: conv!.id, other: other!.id };
    });
  }
  const req = (slug: string) => ({ tenantId: ids[slug]!.tenant, agentId: ids[slug]!.agent, conversationId: ids[slug]!.conv, reason: "wants a person", rule: "escalate_tool", source: "tool" as const });

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    svc = createHandoffService({ db: t.db });
    await seed("acme");
    await seed("globex");
  });
  afterAll(() => t.cleanup());

  test("escalating twice at once opens one handoff; only that conversation of that tenant is in human mode", async () => {
    const [a, b] = await Promise.all([svc.escalate(req("acme")), svc.escalate(req("acme"))]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.handoff.id).toBe(b.handoff.id);
    expect((await svc.escalate(req("acme"))).created).toBe(false);
    expect(await svc.inHumanMode(ids.acme!.tenant, ids.acme!.conv)).toBe(true);
    expect(await svc.inHumanMode(ids.acme!.tenant, ids.acme!.other)).toBe(false);
    expect(await svc.inHumanMode(ids.globex!.tenant, ids.globex!.conv)).toBe(false);
    // Another tenant's conversation id is invisible under this tenant.
    expect(await svc.inHumanMode(ids.globex!.tenant, ids.acme!.conv)).toBe(false);
  });

  test("bad requests are refused with a clear error", async () => {
    await expect(svc.escalate({ ...req("globex"), reason: "  " })).rejects.toThrow("needs a reason");
    await expect(svc.escalate({ ...req("globex"), source: "x" as never })).rejects.toThrow("unknown escalation source");
  });

  test("of two humans pressing Take it at once exactly one wins; the other sees who; closing happens once", async () => {
    const { handoff } = await svc.escalate(req("acme"));
    const tenant = ids.acme!.tenant;
    const [m, j] = await Promise.all([
      t.db.withTenant(tenant, (tx) => takeHandoff(tx, handoff.id, "maria")),
      t.db.withTenant(tenant, (tx) => takeHandoff(tx, handoff.id, "jon")),
    ]);
    const winner = (m ?? j)!;
    expect([m, j].filter(Boolean)).toHaveLength(1);
    const seen = await t.db.withTenant(tenant, (tx) => findHandoff(tx, handoff.id));
    expect(seen!.owner).toBe(winner.owner!);
    // Another tenant cannot take it, a non-owner cannot reply as it.
    expect(await t.db.withTenant(ids.globex!.tenant, (tx) => takeHandoff(tx, handoff.id, "eve"))).toBeNull();
    const loser = winner.owner === "maria" ? "jon" : "maria";
    expect(await t.db.withTenant(tenant, (tx) => recordReply(tx, handoff.id, loser))).toBeNull();
    const replied = await t.db.withTenant(tenant, (tx) => recordReply(tx, handoff.id, winner.owner!));
    expect(replied!.firstReplyAt).toBeInstanceOf(Date);
    const [r1, r2] = await Promise.all([
      t.db.withTenant(tenant, (tx) => closeHandoff(tx, handoff.id, "returned", winner.owner!)),
      t.db.withTenant(tenant, (tx) => closeHandoff(tx, handoff.id, "resolved", winner.owner!, "refunded")),
    ]);
    expect([r1, r2].filter(Boolean)).toHaveLength(1);
    expect(await svc.inHumanMode(tenant, ids.acme!.conv)).toBe(false);
    const steps = await t.db.withTenant(tenant, (tx) => tx.select({ data: auditLog.data, actor: auditLog.actor }).from(auditLog).where(and(eq(auditLog.kind, "handoff"))));
    expect(steps.map((s) => (s.data as { step: string }).step).sort()).toEqual(["escalated", "replied", "taken", (r1 ?? r2)!.status].sort());
    const globexSteps = await t.db.withTenant(ids.globex!.tenant, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "handoff")));
    expect(globexSteps).toHaveLength(0);
  });

  test("after a close the conversation can be escalated again; the escalate tool opens it", async () => {
    const tool = createEscalateTool(svc);
    const ctx = { tenantId: ids.globex!.tenant, agentId: ids.globex!.agent, conversationId: ids.globex!.other };
    expect(await tool.run({ id: "c1", name: "escalate", arguments: { reason: "Ich möchte einen Menschen" } }, ctx)).toStartWith("escalated:");
    expect(await tool.run({ id: "c2", name: "escalate", arguments: { reason: "again" } }, ctx)).toStartWith("already escalated");
    expect(await svc.inHumanMode(ids.globex!.tenant, ids.globex!.other)).toBe(true);
    // Within business hours the tool's result carries the tenant's expected wait, for the model to relay; only that tenant's.
    const always = Object.fromEntries(DAYS.map((d) => [d, "00:00-24:00"]));
    await t.db.withTenant(ids.acme!.tenant, (tx) => writeHours(tx, ids.acme!.tenant, { timezone: "UTC", week: always, holidays: [], language: "en", expectedWaitMinutes: 20 }, "test"));
    await t.db.withTenant(ids.globex!.tenant, (tx) => writeHours(tx, ids.globex!.tenant, { timezone: "UTC", week: always, holidays: [], language: "en" }, "test"));
    const timed = createEscalateTool(svc, (tenantId) => expectedWait(t.db, tenantId));
    expect(await expectedWait(t.db, ids.globex!.tenant)).toBeNull();
    expect(await timed.run({ id: "c3", name: "escalate", arguments: { reason: "a person" } }, { tenantId: ids.acme!.tenant, agentId: ids.acme!.agent, conversationId: ids.acme!.other })).toContain("usually within 20 minutes");
    const again = await svc.escalate(req("acme"));
    expect(again.created).toBe(true);
  });
});
