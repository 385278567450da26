/**
 * The polling lease on real Postgres: two replicas' Telegram adapters on one bot (the emulator) —
 * one polls, no 409s, every update handed on once; the owner dies without a word and the other
 * takes over within 10 s; a stalled former owner is fenced off the offset. On the embedded database
 * the lease is always held and nothing changes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import pino from "pino";
import { loopbackOutbound } from "../../test/support/outbound.ts";
import { openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { startTelegramShim, type TelegramShim } from "../../test/support/telegram.ts";
import { createTelegramAdapter } from "../channels/telegram/adapter.ts";
import type { InboundMessage } from "../channels/types.ts";
import type { Database } from "../db/database.ts";
import { channels } from "../db/schema/index.ts";
import { seedTwoTenants } from "../../test/support/two-tenants.ts";
import type { CursorStore, HttpAdapter } from "./connections.ts";
import { leasedCursor } from "./poller-lease.ts";

const log = pino({ level: "silent" });

/** A tenant with one Telegram channel row (channel_cursors refers to it). */
async function seedChannel(db: Database, prefix: string) {
  const { A } = await seedTwoTenants(db, prefix);
  const [row] = await db.withTenant(A.tenant, (tx) =>
    tx.insert(channels).values({ tenantId: A.tenant, agentId: A.agent, kind: "telegram", name: "tg", mode: "polling", secrets: Buffer.from("") }).returning({ id: channels.id }),
  );
  return { tenantId: A.tenant, channelId: row!.id };
}

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

describe("poller lease (external Postgres, two replicas)", () => {
  let t: TestDatabase;
  let tg: TelegramShim;
  const adapters: HttpAdapter[] = [];
  let tenantId = "";
  let channelId = "";

  beforeAll(async () => {
    t = await openTestDatabase("external");
    ({ tenantId, channelId } = await seedChannel(t.db, "lease"));
  });
  afterAll(async () => t.cleanup());
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.stop()));
    await tg?.stop();
    await t.db.driver.raw.query("delete from channel_cursors");
  });

  const cursor = (holder: string) => leasedCursor({ db: t.db, tenantId, channelId, holder });
  const replica = async (name: string, store: CursorStore, got: { who: string; m: InboundMessage }[]) => {
    const def = { tenantId, channelId, agentId: randomUUID(), kind: "telegram", name: "tg", mode: "polling", settings: { api_root: tg.apiRoot }, secrets: { bot_token: tg.token } };
    const a = createTelegramAdapter(def, { log, cursor: store, webhookUrl: "", fetch: loopbackOutbound().fetch });
    adapters.push(a);
    await a.start(async (m) => void got.push({ who: name, m }));
    return a;
  };

  test("one poller: no 409s, every update once; the owner dies and the other takes over within 10 s", async () => {
    tg = await startTelegramShim({ bots: [{ username: "LeaseBot" }] });
    const got: { who: string; m: InboundMessage }[] = [];
    const dying = (holder: string) => ({ ...cursor(holder), release: async () => {} }); // kill -9 gives nothing up
    const replicas = { A: await replica("A", dying("A"), got), B: await replica("B", dying("B"), got) };
    for (let i = 0; i < 10; i++) await tg.userSends(42, `m${i}`);
    await until("ten updates", () => got.length >= 10, 10_000);
    await Bun.sleep(5_000); // two renewals: a second poller would have shown up by now
    expect(tg.conflicts()).toBe(0);
    expect(got.map((g) => g.m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    const owner = got[0]!.who as "A" | "B";
    expect(new Set(got.map((g) => g.who))).toEqual(new Set([owner]));

    await replicas[owner].stop();
    const killedAt = Date.now();
    await tg.userSends(42, "after");
    await until("the survivor to poll", () => got.length === 11, 10_000);
    expect(got[10]).toMatchObject({ who: owner === "A" ? "B" : "A", m: { text: "after" } });
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(tg.conflicts()).toBe(0);
  }, 40_000);

  test("fencing: a stalled owner whose lease ran out cannot move the offset", async () => {
    const changes: boolean[] = [];
    const a = leasedCursor({ db: t.db, tenantId, channelId, holder: "A", onChange: (held) => changes.push(held) });
    const b = cursor("B");
    expect(await a.claim()).toBe(true);
    expect(await b.claim()).toBe(false);
    expect(await a.save("5")).toBe(true);
    await t.db.driver.raw.query("update channel_cursors set lease_until = now() - interval '1 second'");
    expect(await b.claim()).toBe(true);
    expect(await a.save("99")).toBe(false);
    expect(changes).toEqual([true, false]); // the /metrics gauge follows: A polled, then lost it
    expect(await a.claim()).toBe(false);
    expect(await b.save("6")).toBe(true);
    expect(await b.load()).toBe("6");
    await b.release();
    expect(await a.claim()).toBe(true); // released: free at once, no wait for the lease to run out
  });
});

describe("poller lease (embedded)", () => {
  test("always held, nothing written for it", async () => {
    const t = await openTestDatabase("embedded");
    try {
      const ids = await seedChannel(t.db, "lease");
      const [a, b] = ["A", "B"].map((holder) => leasedCursor({ db: t.db, ...ids, holder }));
      expect(await a!.claim()).toBe(true);
      expect(await b!.claim()).toBe(true);
      expect(await a!.save("3")).toBe(true);
      expect(await a!.load()).toBe("3");
    } finally {
      await t.cleanup();
    }
    // The first embedded database of a test process pays for the migrated template (test/support/db.ts).
  }, 90_000);
});
