import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { Delivery, OutboundText } from "../channels/types.ts";
import { agents, channels, outboundMessages, tenants } from "../db/schema/index.ts";
import { eventually } from "../../test/support/app.ts";
import { openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { Inbox, type Route } from "./inbox.ts";
import { Outbox, prepareMany, SendError } from "./outbox.ts";

/** A scripted channel: each send consumes the next outcome (an Error to throw, or an id). */
function scripted(outcomes: (Error | string)[]) {
  const sent: OutboundText[] = [];
  return {
    sent,
    deliveries: [] as (Delivery | undefined)[],
    async send(m: OutboundText, d?: Delivery) {
      this.deliveries.push(d && { ...d }); // as it was at this attempt
      const next = outcomes.shift();
      if (next instanceof Error) throw next;
      sent.push(m);
      return { externalId: next ?? "ok" };
    },
  };
}

describe("outbox", () => {
  let t: TestDatabase;
  let route: Route;
  let inbox: Inbox;
  const sleeps: number[] = [];
  let outbox: Outbox;

  beforeAll(async () => {
    t = await openTestDatabase("embedded");
    inbox = new Inbox(t.db, { owner: "test" });
    outbox = new Outbox(t.db, { maxAttempts: 4, baseDelayMs: 100, sleep: async (ms) => void sleeps.push(ms) });
    const [tenant] = await t.db.platform((tx) => tx.insert(tenants).values({ slug: "a", name: "A" }).returning({ id: tenants.id }));
    route = await t.db.withTenant(tenant!.id, async (tx) => {
      const [agent] = await tx.insert(agents).values({ tenantId: tenant!.id, slug: "ada", name: "Ada" }).returning({ id: agents.id });
      const [ch] = await tx
        .insert(channels)
        .values({ tenantId: tenant!.id, agentId: agent!.id, kind: "slack", name: "s", mode: "events", secrets: new Uint8Array([1]) })
        .returning({ id: channels.id });
      return { tenantId: tenant!.id, channelId: ch!.id };
    });
  });
  afterAll(() => t.cleanup());

  const event = async (key: string) =>
    (await inbox.record(route, { eventKey: key, chatKey: "C1", sender: { id: "U" }, text: "q", attachments: [], receivedAt: "", raw: {} })).id;
  const row = (id: string) => t.db.withTenant(route.tenantId, async (tx) => (await tx.select().from(outboundMessages).where(eq(outboundMessages.inboundEventId, id)))[0]!);

  test("retries 429 honouring Retry-After and 5xx with backoff, then records the send", async () => {
    sleeps.length = 0;
    const id = await event("E1");
    const chan = scripted([new SendError("429", true, 1500), new SendError("503", true), "ts-1"]);
    expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "answer" }, chan)).toEqual({ status: "sent", externalId: "ts-1" });
    expect(sleeps).toEqual([1500, 200]);
    expect(await row(id)).toMatchObject({ status: "sent", externalId: "ts-1", attempts: 3, lastError: null });
  });

  test("a reply already sent is never sent again (reprocessing after a crash)", async () => {
    const id = await event("E2");
    const chan = scripted(["ts-2", "ts-DUP"]);
    await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "once" }, chan);
    expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "once" }, chan)).toEqual({ status: "already_sent" });
    expect(chan.sent).toHaveLength(1);
  });

  test("a send that finally fails is recorded as failed with its error, not dropped", async () => {
    const id = await event("E3");
    const chan = scripted([new SendError("500 a", true), new SendError("500 b", true), new SendError("500 c", true), new SendError("500 d", true)]);
    expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "x" }, chan)).toEqual({ status: "failed", error: "500 d" });
    expect(await row(id)).toMatchObject({ status: "failed", attempts: 4, lastError: "500 d" });
  });

  test("a non-retryable error (e.g. channel_not_found) fails at once", async () => {
    const id = await event("E4");
    const chan = scripted([new SendError("channel_not_found", false), "never"]);
    expect((await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "x" }, chan)).status).toBe("failed");
    expect(await row(id)).toMatchObject({ status: "failed", attempts: 1, lastError: "channel_not_found" });
  });

  test("a channel that cannot tell has at most the send window on the wire; the rest wait `pending`, in order", async () => {
    const windowed = new Outbox(t.db, { sendWindow: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await event(`W${i}`));
    const prepared = [];
    for (const [i, id] of ids.entries()) prepared.push(await t.db.withTenant(route.tenantId, (tx) => windowed.prepare(tx, route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: `w${i}` })));
    const onTheWire: { text: string; answer: () => void }[] = [];
    const chan = { send: (m: OutboundText) => new Promise<{ externalId: string }>((r) => onTheWire.push({ text: m.text, answer: () => r({ externalId: m.text }) })) };
    const delivered = prepared.map((p) => windowed.deliver(route.tenantId, p, chan));
    await eventually(() => onTheWire.length === 2 || null, 5_000, "two sends on the wire");
    await Bun.sleep(100); // time for a third to slip out, were the window not there
    const statuses = async () => Promise.all(ids.map(async (id) => (await row(id)).status));
    expect(onTheWire.map((w) => w.text)).toEqual(["w0", "w1"]);
    expect(await statuses()).toEqual(["sending", "sending", "pending", "pending", "pending"]);
    onTheWire[1]!.answer(); // the slot frees only once `sent` committed; then the next in line goes
    await eventually(() => onTheWire.length === 3 || null, 5_000, "the third send");
    expect(onTheWire[2]!.text).toBe("w2");
    expect(await statuses()).toEqual(["sending", "sent", "sending", "pending", "pending"]);
    for (let n = 0; n < 5; n++) {
      await eventually(() => onTheWire.length > n || null, 5_000, `send ${n}`);
      onTheWire[n]!.answer();
    }
    expect((await Promise.all(delivered)).map((o) => o.status)).toEqual(["sent", "sent", "sent", "sent", "sent"]);
    expect(onTheWire.map((w) => w.text)).toEqual(["w0", "w1", "w2", "w3", "w4"]);

    // A channel that can look is not held back: its in-doubt replies are found, not written off.
    const looking = { ...chan, findSent: async () => null };
    const more: string[] = [];
    for (let i = 0; i < 4; i++) more.push(await event(`WL${i}`));
    onTheWire.length = 0;
    const all = more.map((id, i) => windowed.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: `l${i}` }, looking));
    await eventually(() => onTheWire.length === 4 || null, 5_000, "all four on the wire at once");
    for (const w of onTheWire) w.answer();
    expect((await Promise.all(all)).every((o) => o.status === "sent")).toBe(true);
  });

  test("a claimed slot: the reply is written `sending` in its own statement, sent with no mark between, and the slot comes back", async () => {
    const windowed = new Outbox(t.db, { sendWindow: 1 });
    const marks: string[] = [];
    const chan = { send: async (m: OutboundText) => ({ externalId: m.text }) };
    const slot = windowed.claim(chan);
    expect(slot).not.toBeNull();
    expect(windowed.claim(chan)).toBeNull(); // the window (1) is full
    expect(windowed.claim({ ...chan, findSent: async () => null })).toBeNull(); // a channel that can look needs none
    const id = await event("C1");
    const prepared = await t.db.withTenant(route.tenantId, async (tx) => {
      const [p] = await prepareMany(tx, route.tenantId, [{ channelId: route.channelId, key: { inboundEventId: id, seq: 0 }, message: { chatKey: "C1", text: "claimed" }, sending: true }]);
      return p!;
    });
    expect(prepared).toMatchObject({ status: "sending", inDoubt: false });
    expect((await row(id)).status).toBe("sending"); // committed with the statement that wrote it: a crash now is in doubt
    const spy = { send: async (m: OutboundText) => (marks.push((await row(id)).status), chan.send(m)) };
    expect(await windowed.deliver(route.tenantId, prepared, spy, undefined, slot!)).toEqual({ status: "sent", externalId: "claimed" });
    expect(marks).toEqual(["sending"]);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 1 });
    const again = windowed.claim(chan); // released by deliver
    expect(again).not.toBeNull();
    again!();
  });

  describe("a send in doubt (left unsettled by a process that died)", () => {
    /** Writes the reply down as a turn would, then "dies" before its send's outcome is recorded. */
    const abandoned = async (key: string, text: string) => {
      const id = await event(key);
      await t.db.withTenant(route.tenantId, (tx) => outbox.prepare(tx, route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text }));
      expect((await row(id)).status).toBe("pending");
      return id;
    };
    /** A channel that cannot look whose request went out and never came back: the process "died" mid-send. */
    const diedMidSend = async (key: string, text: string) => {
      const id = await event(key);
      let reached!: () => void;
      const onTheWire = new Promise<void>((r) => (reached = r));
      const hung = { send: () => (reached(), new Promise<never>(() => {})) };
      void outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text }, hung);
      await onTheWire;
      return id;
    };

    test("a fresh send names its outbox row and is not in doubt", async () => {
      const id = await event("D0");
      const chan = scripted(["ts-d0"]);
      await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "fresh" }, chan);
      expect(chan.deliveries).toEqual([{ outboxId: (await row(id)).id, inDoubt: false }]);
    });

    test("a channel that cannot tell has its row `sending` (committed) before the request leaves", async () => {
      const id = await event("D5");
      let during = "";
      const chan = { send: async () => ((during = (await row(id)).status), { externalId: "ts-d5" }) };
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "marked first" }, chan)).toEqual({ status: "sent", externalId: "ts-d5" });
      expect(during).toBe("sending");
      expect(await row(id)).toMatchObject({ status: "sent", attempts: 1 });
    });

    test("a channel that cannot tell, dead between the turn's commit and the send: sent once, not lost", async () => {
      const id = await abandoned("D6", "written, never tried");
      const chan = scripted(["ts-d6", "ts-dup"]);
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "written, never tried" }, chan)).toEqual({ status: "sent", externalId: "ts-d6" });
      expect(chan.deliveries).toEqual([{ outboxId: (await row(id)).id, inDoubt: false }]);
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "written, never tried" }, chan)).toEqual({ status: "already_sent" });
      expect(chan.sent).toHaveLength(1);
    });

    test("a channel that cannot tell (Telegram), dead mid-request: not re-sent, recorded `unknown` (at most once)", async () => {
      const id = await diedMidSend("D1", "maybe delivered");
      expect((await row(id)).status).toBe("sending");
      const chan = scripted(["ts-dup"]);
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "maybe delivered" }, chan)).toEqual({ status: "unknown" });
      expect(chan.sent).toHaveLength(0);
      expect(await row(id)).toMatchObject({ status: "unknown", lastError: "in doubt after a restart: not re-sent" });
      // Reprocessed once more (another crash): still not sent.
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "maybe delivered" }, chan)).toEqual({ status: "unknown" });
      expect(chan.sent).toHaveLength(0);
    });

    test("a send that timed out, on a channel that cannot tell: retried (a timeout may be a connection that never came up)", async () => {
      const id = await event("D7");
      const timedOut = "telegram: Network request for 'sendMessage' failed! (Request to 'sendMessage' timed out after 500 seconds)";
      const chan = scripted([new SendError(timedOut, true, undefined, "timeout"), "ts-d7"]);
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "maybe posted" }, chan)).toEqual({ status: "sent", externalId: "ts-d7" });
      expect(chan.deliveries.map((d) => d?.inDoubt)).toEqual([false, false]);
      expect(await row(id)).toMatchObject({ status: "sent", attempts: 2 });
    });

    test("a connection lost mid-send, on a channel that cannot tell: retried (usually a stale socket, not acted on)", async () => {
      const id = await event("D10");
      const chan = scripted([new SendError("telegram: Network request for 'sendMessage' failed! (ECONNRESET)", true, undefined, "lost"), "ts-d10"]);
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "again" }, chan)).toEqual({ status: "sent", externalId: "ts-d10" });
      expect(chan.deliveries.map((d) => d?.inDoubt)).toEqual([false, false]);
      expect(await row(id)).toMatchObject({ status: "sent", attempts: 2 });
    });

    test("a send failing after its request may have arrived (5xx, connection lost), on a channel that can look: the retry looks first", async () => {
      const found = await event("D8");
      const there = { ...scripted([new SendError("slack chat.postMessage: HTTP 503", true, undefined, "lost"), "ts-dup"]), findSent: async () => "ts-there" };
      expect(await outbox.send(route, { inboundEventId: found, seq: 0 }, { chatKey: "C1", text: "posted after all" }, there)).toEqual({ status: "sent", externalId: "ts-there" });
      expect(there.sent).toHaveLength(0);
      const missing = await event("D9");
      const absent = { ...scripted([new SendError("slack chat.postMessage: network error (ECONNRESET)", true, undefined, "lost"), "ts-d9"]), findSent: async () => null };
      expect(await outbox.send(route, { inboundEventId: missing, seq: 0 }, { chatKey: "C1", text: "not there" }, absent)).toEqual({ status: "sent", externalId: "ts-d9" });
      const outboxId = (await row(missing)).id;
      expect(absent.deliveries).toEqual([
        { outboxId, inDoubt: false },
        { outboxId, inDoubt: true },
      ]);
    });

    test("a channel that finds it (Slack metadata): marked sent with the found id, not posted again", async () => {
      const id = await abandoned("D2", "already there");
      const chan = { ...scripted(["ts-dup"]), findSent: async (_m: OutboundText, d: Delivery) => (d.outboxId ? "ts-found" : null) };
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "already there" }, chan)).toEqual({ status: "sent", externalId: "ts-found" });
      expect(chan.sent).toHaveLength(0);
      expect(await row(id)).toMatchObject({ status: "sent", externalId: "ts-found" });
    });

    test("a channel that looks and does not find it: sent now, told it is in doubt (skip parts it has)", async () => {
      const id = await abandoned("D3", "never arrived");
      const looked: Delivery[] = [];
      const chan = { ...scripted(["ts-d3"]), findSent: async (_m: OutboundText, d: Delivery) => (looked.push(d), null) };
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "never arrived" }, chan)).toEqual({ status: "sent", externalId: "ts-d3" });
      const outboxId = (await row(id)).id;
      expect(looked).toEqual([{ outboxId, inDoubt: true }]);
      expect(chan.deliveries).toEqual([{ outboxId, inDoubt: true }]);
      expect(await row(id)).toMatchObject({ status: "sent", externalId: "ts-d3" });
    });

    test("looking refused for good (no history scope): sent without looking, once", async () => {
      const id = await abandoned("D11", "blind");
      let looks = 0;
      const chan = { ...scripted(["ts-d11", "ts-dup"]), findSent: async () => (looks++, Promise.reject(new SendError("slack conversations.replies: missing_scope", false))) };
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "blind" }, chan)).toEqual({ status: "sent", externalId: "ts-d11" });
      expect([looks, chan.sent.length]).toEqual([1, 1]);
      expect(chan.deliveries).toEqual([{ outboxId: (await row(id)).id, inDoubt: false }]);
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "blind" }, chan)).toEqual({ status: "already_sent" });
    });

    test("looking fails like a send: retried, and only then sent", async () => {
      sleeps.length = 0;
      const id = await abandoned("D4", "look again");
      let looks = 0;
      const chan = { ...scripted(["ts-d4"]), findSent: async () => (++looks === 1 ? Promise.reject(new SendError("slack conversations.replies: HTTP 503", true)) : null) };
      expect(await outbox.send(route, { inboundEventId: id, seq: 0 }, { chatKey: "C1", text: "look again" }, chan)).toEqual({ status: "sent", externalId: "ts-d4" });
      expect(looks).toBe(2);
      expect(chan.sent).toHaveLength(1);
    });
  });
});
