/**
 * A person's reply to a handoff notification, before any handoff exists, on both databases with two
 * tenants: every Slack thread message is "in reply to" its thread, so on the embedded database a
 * tenant that has never had a handoff is remembered and its thread messages cost no transaction;
 * opening a handoff (any tenant) makes the next reply read again and find its notification. The
 * external database reads every time (another replica may have opened one).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import type { InboundMessage } from "../channels/types.ts";
import type { Database } from "../db/database.ts";
import { agents, channels, conversations, handoffs, tenants } from "../db/schema/index.ts";
import { createStaff, STAFF_TEXT } from "./staff.ts";
import { insertHandoff } from "./store.ts";

describe.each(DB_KINDS)("staff replies on %s Postgres", (kind) => {
  let t: TestDatabase;
  const ids: Record<string, { tenant: string; agent: string; channel: string; conv: string }> = {};
  let transactions = 0;

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    for (const slug of ["acme", "globex"]) {
      const [tenant] = await t.db.platform((tx) => tx.insert(tenants).values({ slug, name: slug }).returning({ id: tenants.id }));
      const tenantId = tenant!.id;
      ids[slug] = await t.db.withTenant(tenantId, async (tx) => {
        const [a] = await tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada" }).returning({ id: agents.id });
        const [c] = await tx.insert(channels).values({ tenantId, agentId: a!.id, kind: "slack", name: "staff", mode: "webhook", secrets: new Uint8Array([1]) }).returning({ id: channels.id });
        const [conv] = await tx.insert(conversations).values({ tenantId, agentId: a!.id, channelId: c!.id, chatKey: "C1:1700000000.000100" }).returning({ id: conversations.id });
        return { tenant: tenantId, agent: a!.id, channel: c!.id, conv: conv!.id };
      });
    }
  });
  afterAll(() => t.cleanup());

  const counting = () =>
    Object.assign(Object.create(t.db) as Database, {
      withTenant: (...a: Parameters<Database["withTenant"]>) => (transactions++, t.db.withTenant(...a)),
    });
  const threadMessage = (ts: string): InboundMessage => ({
    eventKey: `Ev${Math.random()}`, chatKey: `C1:${ts}`, inReplyTo: ts, sender: { id: "U7", name: "Uma" }, text: "any news?", attachments: [], receivedAt: new Date().toISOString(), raw: {},
  });

  test("no handoff yet: thread messages are not staff replies, and on the embedded database cost no transaction after the first", async () => {
    const staff = createStaff({ db: counting(), reach: () => null, publicUrl: "https://k.example" });
    const chat = (slug: string, ts: string) => ({ channelId: ids[slug]!.channel, chatKey: `C1:${ts}` });
    for (const ts of ["1700000000.000100", "1700000000.000200", "1700000000.000300"]) expect(await staff(ids.acme!.tenant, chat("acme", ts), threadMessage(ts))).toBeNull();
    expect(transactions).toBe(kind === "embedded" ? 1 : 3);

    // A handoff opened in acme, its notification posted in the staff channel's thread 1700000001.000001.
    await t.db.withTenant(ids.acme!.tenant, async (tx) => {
      const { handoff } = await insertHandoff(tx, { tenantId: ids.acme!.tenant, agentId: ids.acme!.agent, conversationId: ids.acme!.conv, reason: "wants a person", rule: "human_command", source: "command" });
      await tx.update(handoffs).set({ noticeChannelId: ids.acme!.channel, noticeChat: "C1", noticeRef: "1700000001.000001" }).where(eq(handoffs.id, handoff.id));
    });
    const before = transactions;
    // The reply in the notification's thread reads again and finds it (not taken yet: "take it first").
    expect(await staff(ids.acme!.tenant, chat("acme", "1700000001.000001"), threadMessage("1700000001.000001"))).toEqual({ answer: STAFF_TEXT.takeFirst });
    expect(transactions).toBe(before + 1);
    // Globex has no handoff and never sees acme's: the same thread in its own channel is no staff reply.
    expect(await staff(ids.globex!.tenant, chat("globex", "1700000001.000001"), threadMessage("1700000001.000001"))).toBeNull();
  });
});
