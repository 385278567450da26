import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { OutboundText } from "../channels/types.ts";
import { agents, channels, outboundMessages, tenants } from "../db/schema/index.ts";
import { openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { Inbox, type Route } from "./inbox.ts";
import { Outbox, SendError } from "./outbox.ts";

/** A scripted channel: each send consumes the next outcome (an Error to throw, or an id). */
function scripted(outcomes: (Error | string)[]) {
  const sent: OutboundText[] = [];
  return {
    sent,
    send: async (m: OutboundText) => {
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
});
