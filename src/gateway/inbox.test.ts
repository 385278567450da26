import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { InboundMessage } from "../channels/types.ts";
import { agents, channels, tenants } from "../db/schema/index.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { Inbox, type Route } from "./inbox.ts";

const message = (eventKey: string, text = "hi"): InboundMessage => ({
  eventKey,
  chatKey: "C1:1.0",
  sender: { id: "U1" },
  text,
  attachments: [],
  receivedAt: new Date().toISOString(),
  raw: { event_id: eventKey },
});

describe.each(DB_KINDS)("durable inbox on %s Postgres", (kind) => {
  let t: TestDatabase;
  let inbox: Inbox;
  let a: Route;
  let b: Route;

  async function connection(slug: string): Promise<Route> {
    const [tenant] = await t.db.platform((tx) => tx.insert(tenants).values({ slug, name: slug }).returning({ id: tenants.id }));
    const tenantId = tenant!.id;
    return t.db.withTenant(tenantId, async (tx) => {
      const [agent] = await tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada" }).returning({ id: agents.id });
      const [ch] = await tx
        .insert(channels)
        .values({ tenantId, agentId: agent!.id, kind: "slack", name: "s", mode: "events", secrets: new Uint8Array([1]) })
        .returning({ id: channels.id });
      return { tenantId, channelId: ch!.id };
    });
  }

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    inbox = new Inbox(t.db);
    a = await connection("a");
    b = await connection("b");
  });
  afterAll(() => t.cleanup());

  test("a redelivered event is recognised, stored once, and claimable once", async () => {
    const first = await inbox.record(a, message("Ev1"));
    const retry = await inbox.record(a, message("Ev1", "retry body"));
    expect(first.duplicate).toBe(false);
    expect(retry).toEqual({ id: first.id, duplicate: true });
    const claims = await Promise.all([inbox.claim(a.tenantId, first.id), inbox.claim(a.tenantId, first.id)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(claims.find(Boolean)!.text).toBe("hi");
    await inbox.finish(a.tenantId, first.id, "done");
    expect(await inbox.claim(a.tenantId, first.id, true)).toBeNull();
  });

  test("the same event key on another tenant's connection is a different event", async () => {
    const other = await inbox.record(b, message("Ev1"));
    expect(other.duplicate).toBe(false);
    expect(await inbox.claim(a.tenantId, other.id)).toBeNull();
  });

  test("unfinished events of every tenant are found after a crash; processing ones are reclaimable", async () => {
    const pending = await inbox.record(a, message("Ev2"));
    const inFlight = await inbox.record(b, message("Ev3"));
    await inbox.claim(b.tenantId, inFlight.id);
    const found = await inbox.unfinished();
    expect(found).toContainEqual({ tenantId: a.tenantId, id: pending.id });
    expect(found).toContainEqual({ tenantId: b.tenantId, id: inFlight.id });
    expect(await inbox.claim(b.tenantId, inFlight.id)).toBeNull();
    expect((await inbox.claim(b.tenantId, inFlight.id, true))!.eventKey).toBe("Ev3");
  });
});
