/**
 * `hold` on both databases with two tenants: a message is held exactly while its chat has an open
 * handoff. On the embedded database a tenant without handoffs is remembered (no transaction per
 * message); opening or closing one through the store must be seen by the very next message. `/human`
 * answers in the user's language, with the tenant's expected wait within business hours when set.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { agents, channels, conversations, handoffHours, handoffs, messages, tenants } from "../db/schema/index.ts";
import { createHandoffChat, HUMAN_TEXT } from "./chat.ts";
import { DAYS } from "./hours.ts";
import { writeHours } from "./hours-store.ts";
import { tellWait } from "./jobs.ts";
import { createHandoffService } from "./service.ts";
import { closeHandoff } from "./store.ts";
import { USER_TEXT } from "./user-text.ts";

describe.each(DB_KINDS)("holding messages for a person on %s Postgres", (kind) => {
  let t: TestDatabase;
  const ids: Record<string, { tenant: string; agent: string; channel: string }> = {};

  async function seed(slug: string) {
    const [tenant] = await t.db.platform((tx) => tx.insert(tenants).values({ slug, name: slug }).returning({ id: tenants.id }));
    const tenantId = tenant!.id;
    ids[slug] = await t.db.withTenant(tenantId, async (tx) => {
      const [a] = await tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada" }).returning({ id: agents.id });
      const [c] = await tx.insert(channels).values({ tenantId, agentId: a!.id, kind: "telegram", name: "tg", mode: "polling", secrets: new Uint8Array([1]) }).returning({ id: channels.id });
      return { tenant: tenantId, agent: a!.id, channel: c!.id };
    });
  }

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await seed("acme");
    await seed("globex");
  });
  afterAll(() => t.cleanup());

  test("held only while the chat's handoff is open, even right after the tenant was seen without any", async () => {
    const chat = createHandoffChat({ db: t.db });
    const svc = createHandoffService({ db: t.db });
    const { tenant, agent, channel } = ids.acme!;
    const where = (chatKey: string) => ({ channelId: channel, chatKey });
    // Seen without handoffs (twice: the second one is the remembered answer on the embedded database).
    expect(await chat.hold(tenant, where("7"), crypto.randomUUID(), "hello")).toBe(false);
    expect(await chat.hold(tenant, where("7"), crypto.randomUUID(), "hello again")).toBe(false);

    await chat.human(tenant, agent, where("7"), "u7");
    expect(await chat.hold(tenant, where("7"), crypto.randomUUID(), "are you there?")).toBe(true);
    expect(await chat.hold(tenant, where("8"), crypto.randomUUID(), "another chat")).toBe(false);
    expect(await chat.hold(ids.globex!.tenant, { channelId: ids.globex!.channel, chatKey: "7" }, crypto.randomUUID(), "other tenant")).toBe(false);

    const open = await t.db.withTenant(tenant, (tx) => tx.query.handoffs.findFirst());
    const held = await t.db.withTenant(tenant, (tx) => tx.select().from(messages).where(eq(messages.conversationId, open!.conversationId)));
    expect(held.map((m) => m.content)).toEqual(["are you there?"]);

    await t.db.withTenant(tenant, (tx) => closeHandoff(tx, open!.id, "returned", "op@example.com"));
    expect(await chat.hold(tenant, where("7"), crypto.randomUUID(), "back to the AI")).toBe(false);
    // A new escalation through the service (the escalate tool's path) is seen at once too.
    await svc.escalate({ tenantId: tenant, agentId: agent, conversationId: open!.conversationId, reason: "again", rule: "escalate_tool", source: "tool" });
    expect(await chat.hold(tenant, where("7"), crypto.randomUUID(), "still there?")).toBe(true);
  });

  test("/human answers in the language the user wrote in, else the business hours', else English", async () => {
    const chat = createHandoffChat({ db: t.db });
    const { tenant, agent, channel } = ids.acme!;
    async function said(chatKey: string, ...lines: string[]) {
      await t.db.withTenant(tenant, async (tx) => {
        const [c] = await tx.insert(conversations).values({ tenantId: tenant, agentId: agent, channelId: channel, chatKey }).returning({ id: conversations.id });
        for (const content of lines) await tx.insert(messages).values({ tenantId: tenant, conversationId: c!.id, role: "user", content, tokens: 5 });
      });
    }
    await said("de1", "Hallo, meine Bestellung ist noch nicht da.", "Ich möchte bitte mit einem Menschen sprechen.");
    await said("en1", "Hello, my order has not arrived.", "Can I talk to a person please?");
    const german = await chat.human(tenant, agent, { channelId: channel, chatKey: "de1" }, "u1");
    expect(german).toBe("Ich habe eine Person gebeten, zu übernehmen. Sie antwortet Ihnen hier so bald wie möglich.");
    expect(await chat.human(tenant, agent, { channelId: channel, chatKey: "de1" }, "u1")).toBe("Eine Person kümmert sich bereits um dieses Gespräch und antwortet Ihnen hier.");
    expect(await chat.human(tenant, agent, { channelId: channel, chatKey: "en1" }, "u2")).toBe(HUMAN_TEXT.escalated);
    // Nothing written yet: English, or the language set with the tenant's business hours (globex: German; acme untouched).
    expect(await chat.human(tenant, agent, { channelId: channel, chatKey: "fresh" }, "u3")).toBe(HUMAN_TEXT.escalated);
    const g = ids.globex!;
    await t.db.withTenant(g.tenant, (tx) => writeHours(tx, g.tenant, { timezone: "UTC", week: { mon: "09:00-17:00" }, holidays: [], language: "de" }, "test"));
    expect(await chat.human(g.tenant, g.agent, { channelId: g.channel, chatKey: "fresh" }, "u4")).toStartWith("Ich habe eine Person gebeten");
    expect(await chat.human(tenant, agent, { channelId: channel, chatKey: "fresh2" }, "u5")).toBe(HUMAN_TEXT.escalated);
  });

  test("/human within business hours tells the tenant's expected wait in the user's language; the wait job adds nothing; the table refuses 0", async () => {
    const chat = createHandoffChat({ db: t.db });
    const always = Object.fromEntries(DAYS.map((d) => [d, "00:00-24:00"]));
    const a = ids.acme!;
    const g = ids.globex!;
    await t.db.withTenant(a.tenant, (tx) => writeHours(tx, a.tenant, { timezone: "UTC", week: always, holidays: [], language: "en", expectedWaitMinutes: 15 }, "test"));
    await t.db.withTenant(g.tenant, (tx) => writeHours(tx, g.tenant, { timezone: "UTC", week: always, holidays: [], language: "de" }, "test"));
    await t.db.withTenant(a.tenant, async (tx) => {
      const [c] = await tx.insert(conversations).values({ tenantId: a.tenant, agentId: a.agent, channelId: a.channel, chatKey: "w-de" }).returning({ id: conversations.id });
      await tx.insert(messages).values({ tenantId: a.tenant, conversationId: c!.id, role: "user", content: "Guten Tag, ich möchte bitte mit einem Menschen sprechen.", tokens: 5 });
    });
    expect(await chat.human(a.tenant, a.agent, { channelId: a.channel, chatKey: "w-de" }, "u6")).toBe("Eine Person übernimmt hier in Kürze – in der Regel innerhalb von 15 Minuten.");
    expect(await chat.human(a.tenant, a.agent, { channelId: a.channel, chatKey: "w-en" }, "u7")).toBe("A person will take over here shortly — usually within 15 minutes.");
    expect(await chat.human(a.tenant, a.agent, { channelId: a.channel, chatKey: "w-en" }, "u7")).toBe(HUMAN_TEXT.already);
    // globex set no wait: the plain answer (in its hours' language).
    expect(await chat.human(g.tenant, g.agent, { channelId: g.channel, chatKey: "w-plain" }, "u8")).toBe(USER_TEXT.de.escalated);
    // The notification job's wait notice stays silent after /human: its answer said it already.
    const open = await t.db.withTenant(a.tenant, (tx) => tx.select({ id: handoffs.id, conv: handoffs.conversationId }).from(handoffs).innerJoin(conversations, eq(conversations.id, handoffs.conversationId)).where(eq(conversations.chatKey, "w-en")));
    await tellWait({ db: t.db, reach: () => null, publicUrl: "http://localhost" }, a.tenant, open[0]!.id);
    const told = await t.db.withTenant(a.tenant, (tx) => tx.select().from(messages).where(and(eq(messages.conversationId, open[0]!.conv), eq(messages.role, "assistant"))));
    expect(told).toEqual([]);
    await expect(t.db.withTenant(a.tenant, (tx) => tx.update(handoffHours).set({ expectedWaitMinutes: 0 }))).rejects.toThrow();
    await expect(t.db.withTenant(a.tenant, (tx) => tx.update(handoffHours).set({ expectedWaitMinutes: 1441 }))).rejects.toThrow();
  });
});
