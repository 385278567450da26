/**
 * The inbox's reads on both databases, two tenants: a closed handoff names who closed it — which is
 * not always its owner (a tenant admin returns a handoff a Slack person took) — from the closing
 * step's audit entry; an open one names nobody; another tenant's rows are invisible.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { agents, channels, conversations, tenants } from "../db/schema/index.ts";
import { close, inboxItem, listInbox, take } from "./inbox.ts";
import { createHandoffService } from "./service.ts";

describe.each(DB_KINDS)("inbox reads on %s Postgres", (kind) => {
  let t: TestDatabase;
  const ids: Record<string, { tenant: string; agent: string; convs: string[] }> = {};

  async function seed(slug: string) {
    const [tenant] = await t.db.platform((tx) => tx.insert(tenants).values({ slug, name: slug }).returning({ id: tenants.id }));
    const tenantId = tenant!.id;
    ids[slug] = await t.db.withTenant(tenantId, async (tx) => {
      const [a] = await tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada" }).returning({ id: agents.id });
      const [c] = await tx.insert(channels).values({ tenantId, agentId: a!.id, kind: "telegram", name: "tg", mode: "polling", secrets: new Uint8Array([1]) }).returning({ id: channels.id });
      const convs = await tx.insert(conversations).values(["1", "2", "3"].map((chatKey) => ({ tenantId, agentId: a!.id, channelId: c!.id, chatKey }))).returning({ id: conversations.id });
      return { tenant: tenantId, agent: a!.id, convs: convs.map((r) => r.id) };
    });
  }
  const open = async (slug: string, i: number) => {
    const s = ids[slug]!;
    const r = await createHandoffService({ db: t.db }).escalate({ tenantId: s.tenant, agentId: s.agent, conversationId: s.convs[i]!, reason: `wants a person ${i}`, rule: "command", source: "command" });
    return r.handoff.id;
  };

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await seed("acme");
    await seed("globex");
  });
  afterAll(() => t.cleanup());

  test("a closed handoff names who closed it, not its owner; an open one names nobody; tenants stay apart", async () => {
    const acme = ids.acme!.tenant;
    const returned = await open("acme", 0);
    expect(await take(t.db, acme, returned, "slack:U0ALICE")).toEqual({ taken: true });
    expect(await close(t.db, acme, returned, "returned", "console:ann@acme.test")).toBe(true);
    const resolved = await open("acme", 1);
    expect(await take(t.db, acme, resolved, "console:maria@acme.test")).toEqual({ taken: true });
    expect(await close(t.db, acme, resolved, "resolved", "console:maria@acme.test", "refunded")).toBe(true);
    const waiting = await open("acme", 2);
    await open("globex", 0);

    const rows = await listInbox(t.db, acme, "resolved", "console:ann@acme.test");
    expect(rows.map((r) => [r.id, r.owner, r.closedBy])).toEqual([
      [resolved, "console:maria@acme.test", "console:maria@acme.test"],
      [returned, "slack:U0ALICE", "console:ann@acme.test"],
    ]);
    expect((await listInbox(t.db, acme, "waiting", "x")).map((r) => [r.id, r.closedBy])).toEqual([[waiting, null]]);
    expect((await inboxItem(t.db, acme, returned))!.handoff.closedBy).toBe("console:ann@acme.test");
    expect((await inboxItem(t.db, acme, waiting))!.handoff.closedBy).toBeNull();

    // Globex sees only its own waiting handoff, and none of Acme's by id.
    const globex = ids.globex!.tenant;
    expect(await listInbox(t.db, globex, "resolved", "x")).toEqual([]);
    expect(await listInbox(t.db, globex, "all", "x")).toHaveLength(1);
    expect(await inboxItem(t.db, globex, returned)).toBeNull();
  });
});
