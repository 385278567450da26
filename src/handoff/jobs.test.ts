/**
 * The wait notice (jobs.ts tellWait) on both databases with two tenants: a handoff opened outside
 * business hours tells the user when a person is expected, in the language the user writes in —
 * not the one set with the hours — once, and only in that conversation; within them, the expected
 * wait of a tenant that set one (and nothing for a tenant that did not).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { agents, channels, conversations, messages, tenants } from "../db/schema/index.ts";
import { DAYS } from "./hours.ts";
import { writeHours } from "./hours-store.ts";
import { tellWait } from "./jobs.ts";
import { createHandoffService } from "./service.ts";

const TZ = "Europe/Berlin";
const EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const DE_DAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"];

describe.each(DB_KINDS)("the wait notice on %s Postgres", (kind) => {
  let t: TestDatabase;
  const ids: Record<string, { tenant: string; agent: string; channel: string }> = {};
  // Open only the day after tomorrow (in Berlin), so it is closed now whatever the time.
  const today = DAYS.indexOf(new Intl.DateTimeFormat("en", { timeZone: TZ, weekday: "short" }).format(new Date()).toLowerCase() as (typeof DAYS)[number]);
  const openIdx = (today + 2) % 7;

  async function seed(slug: string, language: string) {
    const [tenant] = await t.db.platform((tx) => tx.insert(tenants).values({ slug, name: slug }).returning({ id: tenants.id }));
    const tenantId = tenant!.id;
    ids[slug] = await t.db.withTenant(tenantId, async (tx) => {
      const [a] = await tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada" }).returning({ id: agents.id });
      const [c] = await tx.insert(channels).values({ tenantId, agentId: a!.id, kind: "telegram", name: "tg", mode: "polling", secrets: new Uint8Array([1]) }).returning({ id: channels.id });
      await writeHours(tx, tenantId, { timezone: TZ, week: { [DAYS[openIdx]!]: "09:00-17:00" }, holidays: [], language }, "test");
      return { tenant: tenantId, agent: a!.id, channel: c!.id };
    });
  }

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await seed("acme", "en");
    await seed("globex", "de");
  });
  afterAll(() => t.cleanup());

  /** A conversation where the user said `lines`, escalated by a rule; returns what the appliance told them. */
  async function escalateAfter(slug: string, chatKey: string, ...lines: string[]): Promise<string[]> {
    const { tenant, agent, channel } = ids[slug]!;
    const conversationId = await t.db.withTenant(tenant, async (tx) => {
      const [c] = await tx.insert(conversations).values({ tenantId: tenant, agentId: agent, channelId: channel, chatKey }).returning({ id: conversations.id });
      for (const content of lines) await tx.insert(messages).values({ tenantId: tenant, conversationId: c!.id, role: "user", content, tokens: 5 });
      return c!.id;
    });
    const { handoff } = await createHandoffService({ db: t.db }).escalate({ tenantId: tenant, agentId: agent, conversationId, reason: "attempts > 2", rule: "attempts", source: "rule" });
    const deps = { db: t.db, reach: () => null, publicUrl: "http://localhost" };
    await tellWait(deps, tenant, handoff.id);
    await tellWait(deps, tenant, handoff.id); // a retried job says nothing twice
    const told = await t.db.withTenant(tenant, (tx) => tx.select({ content: messages.content }).from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.role, "assistant"))));
    return told.map((m) => m.content);
  }

  test("a German-speaking user is told in German when someone is expected, though the hours say English", async () => {
    const told = await escalateAfter("acme", "de1", "Guten Tag, ich warte seit einer Woche auf mein Paket.", "Das ist nicht akzeptabel!");
    expect(told).toEqual([`Wir sind gerade außerhalb unserer Geschäftszeiten: Eine Person antwortet Ihnen hier ab ${DE_DAYS[openIdx]}, 09:00 (Zeitzone ${TZ}).`]);
  });

  test("an English-speaking user is told in English, though the hours say German; unclear text takes the hours' language", async () => {
    const told = await escalateAfter("globex", "en1", "I have been waiting a week for my parcel.", "This is not acceptable!");
    expect(told).toEqual([`We are outside our business hours right now: a person will answer here from ${EN_DAYS[openIdx]} 09:00 (${TZ} time).`]);
    expect(await escalateAfter("globex", "unclear", "4711?")).toEqual([expect.stringContaining(`ab ${DE_DAYS[openIdx]}, 09:00`)]);
    expect(await escalateAfter("acme", "unclear", "4711?")).toEqual([expect.stringContaining(`from ${EN_DAYS[openIdx]} 09:00`)]);
  });

  test("within business hours a tenant's expected wait is told in the user's language; another tenant's users hear nothing", async () => {
    const always = Object.fromEntries(DAYS.map((d) => [d, "00:00-24:00"]));
    await seed("initech", "en");
    await seed("umbrella", "de");
    const { tenant: initech } = ids.initech!;
    const { tenant: umbrella } = ids.umbrella!;
    await t.db.withTenant(initech, (tx) => writeHours(tx, initech, { timezone: TZ, week: always, holidays: [], language: "en", expectedWaitMinutes: 15 }, "test"));
    await t.db.withTenant(umbrella, (tx) => writeHours(tx, umbrella, { timezone: TZ, week: always, holidays: [], language: "de" }, "test"));
    expect(await escalateAfter("initech", "w-en", "Hello, my order has not arrived.", "Can I talk to a person please?")).toEqual(["A person will take over here shortly — usually within 15 minutes."]);
    expect(await escalateAfter("initech", "w-de", "Guten Tag, meine Bestellung ist nicht angekommen.", "Ich möchte bitte mit einem Menschen sprechen.")).toEqual(["Eine Person übernimmt hier in Kürze – in der Regel innerhalb von 15 Minuten."]);
    expect(await escalateAfter("umbrella", "w-de", "Guten Tag, meine Bestellung ist nicht angekommen.", "Ich möchte bitte mit einem Menschen sprechen.")).toEqual([]);
    // Outside the hours the "from Monday 09:00" notice stands, the expected wait left out.
    const { tenant: acme } = ids.acme!;
    await t.db.withTenant(acme, (tx) => writeHours(tx, acme, { timezone: TZ, week: { [DAYS[openIdx]!]: "09:00-17:00" }, holidays: [], language: "en", expectedWaitMinutes: 15 }, "test"));
    expect(await escalateAfter("acme", "w-out", "I have been waiting a week for my parcel.", "This is not acceptable!")).toEqual([`We are outside our business hours right now: a person will answer here from ${EN_DAYS[openIdx]} 09:00 (${TZ} time).`]);
  });

  test("within business hours nobody is told of a wait", async () => {
    const { tenant } = ids.acme!;
    await t.db.withTenant(tenant, (tx) => writeHours(tx, tenant, { timezone: TZ, week: Object.fromEntries(DAYS.map((d) => [d, "00:00-24:00"])), holidays: [], language: "en" }, "test"));
    expect(await escalateAfter("acme", "open", "Hello, I need a person please.")).toEqual([]);
  });
});
