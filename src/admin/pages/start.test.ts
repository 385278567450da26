/**
 * The newcomer's path on both databases: the steps follow the tenant's rows as they appear (a first
 * inbound event, then a sent reply), the polled partial says the same, and one tenant's first
 * message never completes another's steps.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { channels, inboundEvents, outboundMessages } from "../../db/schema/index.ts";

/** Each step's state, in order, as the page shows it. */
const statesOf = (html: string) => [...html.matchAll(/data-step="(\d)" data-state="(\w+)"/g)].map((m) => m[2]);

describe.each(DB_KINDS)("getting started on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  beforeAll(async () => {
    f = await consoleFixture(kind);
    s = await f.sessions();
  });
  afterAll(() => f.cleanup());

  const page = async (who: string, tenant: string) => {
    const res = await s[who]!.fetch(`/admin/start?tenant=${tenant}`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const partial = async (tenant: string) => {
    const res = await s.platformAdmin!.fetch(`/admin/start/steps?tenant=${tenant}`, { headers: { "hx-request": "true" } });
    expect(res.status).toBe(200);
    return res.text();
  };

  test("the steps progress as rows appear, per tenant", async () => {
    // acme: an AI employee and channels from config; globex: an AI employee, no channel.
    expect(statesOf(await page("tenantAdmin", f.acme))).toEqual(["done", "done", "done", "current", "todo"]);
    expect(statesOf(await page("otherAdmin", f.globex))).toEqual(["done", "done", "current", "todo", "todo"]);
    const dash = await (await s.tenantAdmin!.fetch("/admin")).text();
    expect(dash).toContain(`/admin/start?tenant=${f.acme}`);

    const db = f.app().db;
    const [ch] = await db.withTenant(f.acme, (tx) => tx.select({ id: channels.id }).from(channels));
    const [ev] = await db.withTenant(f.acme, (tx) =>
      tx.insert(inboundEvents).values({ tenantId: f.acme, channelId: ch!.id, eventKey: "first", message: { text: "hello" } }).returning({ id: inboundEvents.id }),
    );
    const polled = await partial(f.acme);
    expect(polled).not.toContain("<!doctype");
    expect(statesOf(polled)).toEqual(["done", "done", "done", "done", "current"]);
    expect(polled).toContain('hx-trigger="every 3s"');
    // Acme's first message completes nothing of globex's.
    expect(statesOf(await partial(f.globex))).toEqual(["done", "done", "current", "todo", "todo"]);

    await db.withTenant(f.acme, (tx) => tx.insert(outboundMessages).values({ tenantId: f.acme, inboundEventId: ev!.id, seq: 0, channelId: ch!.id, chatKey: "c1", text: "hi", status: "pending" }));
    expect(statesOf(await partial(f.acme))).toEqual(["done", "done", "done", "done", "current"]); // not sent yet
    await db.withTenant(f.acme, (tx) => tx.update(outboundMessages).set({ status: "sent", sentAt: new Date() }));
    const done = await page("tenantAdmin", f.acme);
    expect(statesOf(done)).toEqual(["done", "done", "done", "done", "done"]);
    expect(done).toContain("Next steps");
    expect(done).toContain('hx-trigger="none"');
    expect(await (await s.tenantAdmin!.fetch("/admin")).text()).not.toContain("/admin/start");
    expect(statesOf(await page("otherAdmin", f.globex))).toEqual(["done", "done", "current", "todo", "todo"]);
  });

  test("a tenant admin cannot read another tenant's steps", async () => {
    expect((await s.otherAdmin!.fetch(`/admin/start/steps?tenant=${f.acme}`, { headers: { "hx-request": "true" } })).status).toBe(403);
  });
});
