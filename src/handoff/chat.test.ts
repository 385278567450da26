/**
 * `hold` on both databases with two tenants: a message is held exactly while its chat has an open
 * handoff. On the embedded database a tenant without handoffs is remembered (no transaction per
 * message); opening or closing one through the store must be seen by the very next message.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { agents, channels, conversations, messages, tenants } from "../db/schema/index.ts";
import { createHandoffChat, HUMAN_TEXT } from "./chat.ts";
import { writeHours } from "./hours-store.ts";
import { createHandoffService } from "./service.ts";
import { closeHandoff } from "./store.ts";

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
});
