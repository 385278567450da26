import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { InboundMessage } from "../channels/types.ts";
import { agents, channels, inboxReplicas, tenants } from "../db/schema/index.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { Inbox, type Route } from "./inbox.ts";

// Each event its own chat unless a test says otherwise: per-chat order is tested on its own.
const message = (eventKey: string, text = "hi", chatKey = `C1:${eventKey}`, command?: "cancel"): InboundMessage => ({
  eventKey,
  chatKey,
  ...(command ? { command } : {}),
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
    inbox = new Inbox(t.db, { owner: "node-1", leaseMs: 60_000 });
    a = await connection("a");
    b = await connection("b");
  });
  afterAll(() => t.cleanup());

  test("a redelivered event is recognised, stored once, and already claimed by its recorder", async () => {
    const first = await inbox.record(a, message("Ev1"));
    const retry = await inbox.record(a, message("Ev1", "retry body"));
    expect(first.duplicate).toBe(false);
    expect(retry).toEqual({ id: first.id, duplicate: true, held: false });
    // Another live replica cannot take it while the lease holds.
    const other = new Inbox(t.db, { owner: "node-2" });
    expect(await other.claim(a.tenantId, first.id)).toBeNull();
    await t.db.withTenant(a.tenantId, (tx) => inbox.finish(tx, first.id, "done"));
    expect(await inbox.claim(a.tenantId, first.id)).toBeNull();
  });

  test("the inbound audit entry commits with the record, and only for a new event", async () => {
    const calls: string[] = [];
    await inbox.record(a, message("EvA"), async (_tx, id) => void calls.push(id));
    await inbox.record(a, message("EvA"), async (_tx, id) => void calls.push(id));
    expect(calls).toHaveLength(1);
  });

  test("the same event key on another tenant's connection is a different event", async () => {
    const other = await inbox.record(b, message("Ev1"));
    expect(other.duplicate).toBe(false);
    expect(await inbox.claim(a.tenantId, other.id)).toBeNull();
  });

  test("after a crash the same owner reclaims its events at once; another replica only after the lease", async () => {
    const mine = await inbox.record(b, message("Ev3"));
    const restarted = new Inbox(t.db, { owner: "node-1" });
    const replica = new Inbox(t.db, { owner: "node-2" });
    expect(await replica.unfinished()).not.toContainEqual({ tenantId: b.tenantId, id: mine.id });
    expect(await restarted.unfinished()).toContainEqual({ tenantId: b.tenantId, id: mine.id });

    const short = new Inbox(t.db, { owner: "node-3", leaseMs: 1 });
    const expiring = await short.record(a, message("Ev4"));
    await Bun.sleep(20);
    expect(await replica.unfinished()).toContainEqual({ tenantId: a.tenantId, id: expiring.id });
    const claims = await Promise.all([replica.claim(a.tenantId, expiring.id), new Inbox(t.db, { owner: "node-4" }).claim(a.tenantId, expiring.id)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(claims.find(Boolean)!.message.eventKey).toBe("Ev4");
  });

  test("renewing keeps a long-running claim from being taken over", async () => {
    // Leases of a second and more: on a loaded 2-core box one statement can take a few hundred ms.
    const slow = new Inbox(t.db, { owner: "node-5", leaseMs: 1500 });
    const ev = await slow.record(a, message("Ev5"));
    await Bun.sleep(1000);
    await slow.renew(a.tenantId, [ev.id]);
    await Bun.sleep(1000);
    expect(await new Inbox(t.db, { owner: "node-6" }).claim(a.tenantId, ev.id)).toBeNull();
  });

  test("one chat across two processes: an event behind another's unfinished one is held, then claimed in arrival order", async () => {
    const A = new Inbox(t.db, { owner: "replica-a" });
    const B = new Inbox(t.db, { owner: "replica-b" });
    const chat = "C9:order";
    const e1 = await A.record(a, message("Or1", "one", chat));
    const e2 = await B.record(a, message("Or2", "two", chat));
    const e3 = await A.record(a, message("Or3", "three", chat));
    expect([e1.held, e2.held, e3.held]).toEqual([false, true, true]);
    // Another chat, and /cancel in this one, are never held.
    expect((await B.record(a, message("Or-other", "x", "C9:other"))).held).toBe(false);
    expect((await B.record(a, message("Or-cancel", "/cancel", chat, "cancel"))).held).toBe(false);

    expect((await B.claimHeld(a.tenantId, [e2.id])).claimed).toEqual([]);
    expect([...(await B.claimHeld(a.tenantId, [e2.id])).waiting]).toEqual([e2.id]);
    await t.db.withTenant(a.tenantId, (tx) => A.finish(tx, e1.id, "done"));
    // e3 waits for e2 even though e1 (its own recorder's) is done.
    expect((await A.claimHeld(a.tenantId, [e3.id])).claimed).toEqual([]);
    expect((await B.claimHeld(a.tenantId, [e2.id])).claimed.map((c) => c.message.text)).toEqual(["two"]);
    // While e3 waits, a new event queues behind it wherever it arrives.
    expect((await B.record(a, message("Or4", "four", chat))).held).toBe(true);
    await t.db.withTenant(a.tenantId, (tx) => B.finish(tx, e2.id, "done"));
    const third = await A.claimHeld(a.tenantId, [e3.id]);
    expect(third.claimed.map((c) => c.message.text)).toEqual(["three"]);
    expect(third.waiting.size).toBe(0);
  });

  test("a dead owner's events are taken over oldest first, each only as its chat's head", async () => {
    const dead = new Inbox(t.db, { owner: "replica-dead", leaseMs: 1 });
    const live = new Inbox(t.db, { owner: "replica-live" });
    const chat = "C9:takeover";
    const first = await dead.record(b, message("Tk1", "one", chat));
    const second = await live.record(b, message("Tk2", "two", chat));
    expect(second.held).toBe(true);
    await Bun.sleep(20);
    const heir = new Inbox(t.db, { owner: "replica-heir" });
    expect(await heir.claim(b.tenantId, second.id)).toBeNull();
    expect((await heir.claim(b.tenantId, first.id))?.message.text).toBe("one");
    // The heir now works on the head, so it may queue the next one behind it.
    expect((await heir.claim(b.tenantId, second.id))?.message.text).toBe("two");
    expect((await live.claimHeld(b.tenantId, [second.id])).waiting.size).toBe(0);
  });
  test("a running process's sweep leaves its own live claims and others' freshly held events alone", async () => {
    const A = new Inbox(t.db, { owner: "sweep-a", leaseMs: 1000 });
    const B = new Inbox(t.db, { owner: "sweep-b", leaseMs: 1000 });
    const chat = "C9:sweep";
    const head = await A.record(a, message("Sw1", "one", chat));
    const held = await B.record(a, message("Sw2", "two", chat));
    expect(held.held).toBe(true);
    await t.db.withTenant(a.tenantId, (tx) => A.finish(tx, head.id, "done"));
    const own = await A.record(a, message("Sw3"));
    // B is polling its held event: nobody's sweep takes it while it is young; A's own claim is live work.
    expect(await A.unfinished(true)).not.toContainEqual({ tenantId: a.tenantId, id: held.id });
    expect(await A.claim(a.tenantId, held.id, true)).toBeNull();
    expect(await A.claim(a.tenantId, own.id, true)).toBeNull();
    // A stays alive (heartbeat) past its claim's lease: still nobody else's.
    await A.heartbeat();
    await Bun.sleep(750);
    await A.heartbeat();
    await Bun.sleep(500);
    expect(await B.claim(a.tenantId, own.id, true)).toBeNull();
    // Once a lease has passed, the held event is anyone's (its recorder may have died).
    expect((await A.claim(a.tenantId, held.id, true))?.message.text).toBe("two");
    // A replica gone for over a day is forgotten by the next heartbeat; a recent one is kept.
    const gone = new Date(Date.now() - 25 * 3600_000);
    await t.db.platform((tx) => tx.insert(inboxReplicas).values([{ owner: "gone-long-ago", aliveUntil: gone }, { owner: "gone-lately", aliveUntil: new Date(Date.now() - 60_000) }]));
    await A.heartbeat();
    const left = await t.db.platform((tx) => tx.select({ owner: inboxReplicas.owner }).from(inboxReplicas));
    expect(left.map((r) => r.owner)).not.toContain("gone-long-ago");
    expect(left.map((r) => r.owner)).toContain("gone-lately");
    // A's own lapsed claim that it is not working on (lost track) is A's to take back, though A beats.
    const lost = await A.record(a, message("Sw4"));
    await Bun.sleep(1250);
    await A.heartbeat();
    expect(await B.claim(a.tenantId, lost.id, true)).toBeNull();
    expect((await A.claim(a.tenantId, lost.id, true))?.message.eventKey).toBe("Sw4");
    // A stops beating: its claim is taken over once the heartbeat runs out.
    await Bun.sleep(1250);
    expect((await B.claim(a.tenantId, own.id, true))?.message.eventKey).toBe("Sw3");
  });
});
