/**
 * The approvals and tenant_secrets tables as the application role sees them, with two tenants on
 * both databases: isolation, one winner per decision, expiry claims, background tasks' approvals
 * (withdrawn when their task stops, never resumed as a stranded chat turn).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { agents, approvals, channels, conversations, tenants, tenantSecrets } from "../db/schema/index.ts";
import { claimStranded, expireDue, findApproval, listPendingApprovals, parseButtonId, transition, buttonId, withdrawApproval, withdrawTaskApprovals } from "./store.ts";

describe.each(DB_KINDS)("approvals store on %s Postgres", (kind) => {
  let t: TestDatabase;
  const ids: Record<string, { tenant: string; approval: string }> = {};

  async function seed(slug: string) {
    const [tenant] = await t.db.platform((tx) => tx.insert(tenants).values({ slug, name: slug }).returning({ id: tenants.id }));
    const tenantId = tenant!.id;
    const approval = await t.db.withTenant(tenantId, async (tx) => {
      const [a] = await tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada" }).returning({ id: agents.id });
      const [c] = await tx.insert(channels).values({ tenantId, agentId: a!.id, kind: "telegram", name: "tg", mode: "polling", secrets: new Uint8Array([1]) }).returning({ id: channels.id });
      const [conv] = await tx.insert(conversations).values({ tenantId, agentId: a!.id, channelId: c!.id, chatKey: "1" }).returning({ id: conversations.id });
      const row = { tenantId, agentId: a!.id, conversationId: conv!.id, channelId: c!.id, chatKey: "1", eventId: crypto.randomUUID(), seq: 0, requestedBy: "u1", tool: "send_message", arguments: {}, summary: "post", state: {} };
      const [p] = await tx.insert(approvals).values({ ...row, expiresAt: new Date(Date.now() + 60_000) }).returning({ id: approvals.id });
      await tx.insert(approvals).values({ ...row, expiresAt: new Date(Date.now() - 1000) });
      await tx.insert(tenantSecrets).values({ tenantId, name: "TOKEN", value: new Uint8Array([9]) });
      return p!.id;
    });
    ids[slug] = { tenant: tenantId, approval };
  }

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await seed("acme");
    await seed("globex");
  });
  afterAll(() => t.cleanup());

  test("each tenant lists only its own pending, unexpired approvals", async () => {
    const a = await listPendingApprovals(t.db, ids.acme!.tenant);
    expect(a.map((r) => r.id)).toEqual([ids.acme!.approval]);
    expect(await t.db.withTenant(ids.acme!.tenant, (tx) => findApproval(tx, ids.globex!.approval))).toBeUndefined();
    const secrets = await t.db.withTenant(ids.acme!.tenant, (tx) => tx.select({ tenantId: tenantSecrets.tenantId }).from(tenantSecrets));
    expect(secrets).toEqual([{ tenantId: ids.acme!.tenant }]);
  });

  test("another tenant cannot decide an approval; of two decisions exactly one wins", async () => {
    expect(await t.db.withTenant(ids.acme!.tenant, (tx) => transition(tx, ids.globex!.approval, "approved", "u1"))).toBeNull();
    const g = ids.globex!;
    const [first, second] = await Promise.all([
      t.db.withTenant(g.tenant, (tx) => transition(tx, g.approval, "approved", "u1")),
      t.db.withTenant(g.tenant, (tx) => transition(tx, g.approval, "denied", "u1")),
    ]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect((await t.db.withTenant(g.tenant, (tx) => findApproval(tx, g.approval)))!.status).toBe((first ?? second)!.status);
  });

  test("expiry claims each overdue approval once, per tenant", async () => {
    const claimed = await t.db.withTenant(ids.acme!.tenant, (tx) => expireDue(tx));
    expect(claimed).toHaveLength(1);
    expect(claimed[0]!.tenantId).toBe(ids.acme!.tenant);
    expect(await t.db.withTenant(ids.acme!.tenant, (tx) => expireDue(tx))).toEqual([]);
    const left = await t.db.withTenant(ids.globex!.tenant, (tx) => tx.select({ n: sql<number>`count(*)::int` }).from(approvals).where(sql`status = 'pending'`));
    expect(left[0]!.n).toBe(1); // globex's overdue one is untouched by acme's sweep
  });

  test("a background task's approvals: withdrawn by task (own tenant only), never claimed as stranded", async () => {
    const taskId = crypto.randomUUID();
    const add = (k: "acme" | "globex", expiresIn: number) =>
      t.db.withTenant(ids[k]!.tenant, async (tx) => {
        const [base] = await tx.select().from(approvals).limit(1);
        const { id: _, createdAt: __, ...row } = base!;
        const [a] = await tx.insert(approvals).values({ ...row, status: "pending", decidedBy: null, decidedAt: null, resumeSeq: null, result: null, state: { turn: { taskId } }, expiresAt: new Date(Date.now() + expiresIn) }).returning();
        return a!;
      });
    const [mine, other, theirs] = [await add("acme", 60_000), await add("acme", 60_000), await add("globex", 60_000)];
    const acme = ids.acme!.tenant;
    // Another tenant's transaction withdraws nothing of acme's (same task id in its own rows: only its own).
    expect(await t.db.withTenant(ids.globex!.tenant, (tx) => withdrawTaskApprovals(tx, [taskId]))).toBe(1);
    expect((await t.db.withTenant(acme, (tx) => findApproval(tx, mine.id)))!.status).toBe("pending");
    expect((await t.db.withTenant(ids.globex!.tenant, (tx) => findApproval(tx, theirs.id)))!.status).toBe("expired");
    // One withdrawal wins over a decision or a second withdrawal.
    expect(await t.db.withTenant(acme, (tx) => transition(tx, mine.id, "approved", "u1", true))).not.toBeNull();
    expect(await t.db.withTenant(acme, (tx) => withdrawApproval(tx, mine.id))).toBeNull();
    expect((await t.db.withTenant(acme, (tx) => withdrawApproval(tx, other.id)))!.status).toBe("expired");
    expect(await t.db.withTenant(acme, (tx) => withdrawApproval(tx, other.id))).toBeNull();
    // Decided from the console long ago with no follow-up written: a chat turn would be resumed, a task's is not.
    await t.db.withTenant(acme, (tx) => tx.update(approvals).set({ decidedAt: sql`now() - interval '1 hour'` }).where(sql`id = ${mine.id}`));
    const stranded = await t.db.withTenant(acme, (tx) => claimStranded(tx, 60));
    expect(stranded.map((a) => a.id)).not.toContain(mine.id);
  });

  test("button ids round-trip and reject anything else", () => {
    const id = crypto.randomUUID();
    expect(parseButtonId(buttonId(id, "deny"))).toEqual({ id, decision: "denied" });
    expect(parseButtonId(`kapv:${id}:maybe`)).toBeNull();
    expect(parseButtonId("kapv:1 or 1=1:approve")).toBeNull();
  });
});
