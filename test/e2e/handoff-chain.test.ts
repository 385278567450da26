/**
 * The escalation chain and business hours end to end, on both databases, two tenants. Acme's chain,
 * set in the console: its Slack channel (the Slack emulator) first, then a Telegram group. A user asks
 * for a person; the Slack notification carries the model's summary, *Take it* and an *Open in
 * console* link button (pressing the link does nothing here); nobody takes it, the timeout notifies
 * the Telegram group — with the same summary and no second model call — and tells the user once; a
 * press there takes it and a reply to that notification reaches the user. Globex's business hours,
 * set in the console, are closed now: its user is told in German when a person will answer, and the
 * timeout is due that many business minutes after the opening. Nothing crosses tenants.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog, conversations, handoffHours, handoffs } from "../../src/db/schema/index.ts";
import { HUMAN_TEXT } from "../../src/handoff/chat.ts";
import { HANDOFF_QUEUE, TIMEOUT_TEXT } from "../../src/handoff/jobs.ts";
import { USER_TEXT } from "../../src/handoff/user-text.ts";
import { type Browser, tenantAdmins } from "../support/admin.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { signedInteraction, type SlackMessage, type SlackWorkspace, startSlackWorkspace } from "../support/slack.ts";
import { type BotReply, startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const ACME_GROUP = -1009101;
const GLOBEX_GROUP = -1009102;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const GERMAN_DAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"];

describe.each(DB_KINDS)("handoff escalation chain and business hours on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let ws: SlackWorkspace;
  let t: TestApp;
  const tenant: Record<string, string> = {};
  const admin: Record<string, Browser> = {};
  const bot = (i: number) => tg.bots[i]!.token;

  beforeAll(async () => {
    llm = await startLlmMock();
    tg = await startTelegramShim({ bots: [{ username: "AcmeBot" }, { username: "GlobexBot" }] });
    ws = await startSlackWorkspace({ teamId: "T0ACME" });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
      server: { public_url: "https://konstruct.example" },
      tenants: [
        {
          slug: "acme", name: "Acme",
          agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [
            { kind: "telegram", name: "tg", bot_token: bot(0), api_root: tg.apiRoot },
            { kind: "slack", name: "staff", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId },
          ] }],
        },
        { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/m"], channels: [{ kind: "telegram", name: "tg", bot_token: bot(1), api_root: tg.apiRoot }] }] },
      ],
    });
    tenant.acme = (await t.channel("acme", "staff")).tenantId;
    tenant.globex = (await t.channel("globex", "tg")).tenantId;
    const admins = await tenantAdmins(() => t.app, ["acme", "globex"]);
    admin.acme = await admins.acme.browser();
    admin.globex = await admins.globex.browser();
  }, 120_000);
  afterAll(async () => {
    await t.cleanup();
    await ws.stop();
    await tg.stop();
    await llm.stop();
  });

  const post = (slug: string, path: string, form: Record<string, string>) => admin[slug]!.fetch(`${path}?tenant=${tenant[slug]}`, { form, headers: { accept: "text/html" } });
  const handoff = async (slug: string, id: string) => (await t.app.db.withTenant(tenant[slug]!, (tx) => tx.select().from(handoffs).where(eq(handoffs.id, id))))[0]!;
  /** `answer`: what /human says (English, or the business hours' language when the user wrote nothing yet). */
  async function human(slug: "acme" | "globex", chatId: number, answer = HUMAN_TEXT.escalated): Promise<string> {
    const token = bot(slug === "acme" ? 0 : 1);
    await tg.userSends(chatId, "/human", { token });
    await eventually(() => tg.botReplies(chatId, token).find((r) => r.visible === answer), 15_000, "/human answered");
    const [row] = await t.app.db.withTenant(tenant[slug]!, (tx) =>
      tx.select({ id: handoffs.id }).from(handoffs).innerJoin(conversations, eq(conversations.id, handoffs.conversationId)).where(and(eq(handoffs.status, "waiting"), eq(conversations.chatKey, String(chatId)))));
    return row!.id;
  }
  const timeoutJob = (id: string, level = 0) => [HANDOFF_QUEUE, `timeout:${id}${level ? `:${level}` : ""}`];
  async function runTimeout(id: string, level = 0) {
    const raw = t.app.db.driver.raw;
    await eventually(() => raw.query(`select 1 from pgboss.job where name = $1 and singleton_key = $2`, timeoutJob(id, level)).then((r) => (r.length ? r : undefined)), 15_000, "timeout job queued");
    await raw.query(`update pgboss.job set start_after = now() where name = $1 and singleton_key = $2`, timeoutJob(id, level));
    await t.app.jobs.settled(HANDOFF_QUEUE, 30_000);
  }

  test("the chain form: steps in order, each validated and named; another tenant's channel names nothing", async () => {
    const staff = await t.channel("acme", "staff");
    const acmeTg = await t.channel("acme", "tg");
    const globexTg = await t.channel("globex", "tg");
    const bad = await post("acme", "/admin/inbox/settings", { channel_id: staff.channelId, chat: ws.channel, timeout_minutes: "5", channel_id_2: globexTg.channelId, chat_2: String(ACME_GROUP), timeout_minutes_2: "0" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("choose one of this tenant");
    const wrongChat = await post("acme", "/admin/inbox/settings", { channel_id: staff.channelId, chat: ws.channel, timeout_minutes: "5", channel_id_2: acmeTg.channelId, chat_2: "C0NOTTG", timeout_minutes_2: "0" });
    expect(wrongChat.status).toBe(400);
    expect(await wrongChat.text()).toContain("a Telegram chat id");
    const ok = await post("acme", "/admin/inbox/settings", { channel_id: staff.channelId, chat: ws.channel, timeout_minutes: "5", channel_id_2: acmeTg.channelId, chat_2: String(ACME_GROUP), timeout_minutes_2: "7" });
    expect(ok.status).toBe(303);
    expect((await post("globex", "/admin/inbox/settings", { channel_id: globexTg.channelId, chat: String(GLOBEX_GROUP), timeout_minutes: "10" })).status).toBe(303);
    const page = await (await admin.acme!.fetch(`/admin/inbox/settings?tenant=${tenant.acme}`, { headers: { accept: "text/html" } })).text();
    expect(page).toContain(`value="${ACME_GROUP}"`);
    expect(page).toContain("Business hours");
  });

  test("nobody takes it at Slack: the Telegram group is notified with the stored summary, the user is told once; Take it there and reply", async () => {
    llm.on({ lastUser: "my order 99 is late" }, { text: "I am sorry, let me get someone." });
    await tg.userSends(7401, "my order 99 is late", { token: bot(0) });
    await eventually(() => tg.botReplies(7401, bot(0)).find((r) => r.visible === "I am sorry, let me get someone."), 15_000, "AI answer");
    llm.on({ lastUser: "Reason for the handoff" }, { text: "Order 99 is late; the user wants a person." });
    const asked = () => llm.journal().filter((r) => r.lastUser?.startsWith("Reason for the handoff") && r.lastUser.includes("order 99")).length;
    const id = await human("acme", 7401);
    const notice = await eventually(async () => (await ws.messages(ws.channel)).find((m) => m.blocks?.some((b) => b.elements?.some((e) => e.action_id === `khto:${id}`))), 20_000, "Slack notification");
    expect(notice.text).toContain("Summary: Order 99 is late; the user wants a person.");
    const link = notice.blocks!.flatMap((b) => b.elements ?? []).find((e) => e.url);
    expect(link).toMatchObject({ text: { text: "Open in console" }, url: `https://konstruct.example/admin/inbox/${id}?tenant=${tenant.acme}` });
    expect((await handoff("acme", id)).summary).toBe("Order 99 is late; the user wants a person.");
    // Pressing the link opens the browser; the interaction Slack posts for it does nothing here.
    const hook = `http://localhost/hooks/slack/${(await t.channel("acme", "staff")).channelId}`;
    expect((await t.app.http.handle(signedInteraction(ws, { ...notice, channel: ws.channel } as SlackMessage & { channel: string }, link!.action_id!, { url: hook }))).status).toBe(200);
    await t.app.gateway.pipeline.idle();
    expect((await ws.messages(ws.channel)).filter((m) => m.user === ws.bot.userId)).toHaveLength(1);
    expect(await ws.messages(ws.channel, notice.ts)).toHaveLength(1); // the thread is the notification alone

    // The timeout was queued for the first step's 5 minutes; the test runs it now.
    await runTimeout(id);
    const next: BotReply = await eventually(() => tg.botReplies(ACME_GROUP, bot(0)).find((r) => r.reply_markup?.inline_keyboard.flat().some((k) => k.callback_data === `khto:${id}`)), 20_000, "Telegram group notified");
    expect(next.visible).toContain("nobody took it yet");
    expect(next.visible).toContain("Summary: Order 99 is late; the user wants a person.");
    expect(next.reply_markup!.inline_keyboard.flat().find((k) => k.url)).toMatchObject({ text: "Open in console", url: `https://konstruct.example/admin/inbox/${id}?tenant=${tenant.acme}` });
    expect(asked()).toBe(1);
    await eventually(() => tg.botReplies(7401, bot(0)).find((r) => r.visible === TIMEOUT_TEXT), 15_000, "user told");
    expect((await handoff("acme", id)).noticeLevel).toBe(1);
    // Running the first step's timeout again sends nothing twice.
    await t.app.jobs.send(HANDOFF_QUEUE, { tenantId: tenant.acme, handoffId: id, step: "timeout", level: 0 });
    await t.app.jobs.settled(HANDOFF_QUEUE, 30_000);
    expect(tg.botReplies(ACME_GROUP, bot(0)).filter((r) => r.visible.includes("nobody took it yet"))).toHaveLength(1);
    // The last step's timeout (7 wall minutes: acme has no business hours) announces it there again, summary included.
    const raw = t.app.db.driver.raw;
    const [due] = await eventually(() => raw.query<{ s: number }>(`select extract(epoch from start_after - created_on)::float8 as s from pgboss.job where name = $1 and singleton_key = $2`, timeoutJob(id, 1)).then((r) => (r.length ? r : undefined)), 15_000, "step 2 timeout queued");
    expect(Math.abs(due!.s - 420)).toBeLessThan(10);
    await runTimeout(id, 1);
    const again = await eventually(() => tg.botReplies(ACME_GROUP, bot(0)).find((r) => r.visible.includes("Still waiting for a person")), 15_000, "announced again");
    expect(again.visible).toContain("Summary: Order 99 is late; the user wants a person.");
    expect(tg.botReplies(7401, bot(0)).filter((r) => r.visible === TIMEOUT_TEXT)).toHaveLength(1);
    expect(asked()).toBe(1);

    await tg.userClicks(next, `khto:${id}`, { token: bot(0), from: { id: 601, first_name: "Ina" } });
    await eventually(async () => (await handoff("acme", id)).owner === "telegram:601" || undefined, 15_000, "taken in the group");
    await tg.userSendsInGroup(ACME_GROUP, "Ina here: order 99 ships today.", { token: bot(0), replyTo: next, from: { id: 601, first_name: "Ina" } });
    await eventually(() => tg.botReplies(7401, bot(0)).find((r) => r.visible === "Ina User (human): Ina here: order 99 ships today."), 15_000, "reply reaches the user");
    const steps = await t.app.db.withTenant(tenant.acme!, (tx) => tx.select({ data: auditLog.data }).from(auditLog).where(eq(auditLog.kind, "handoff")));
    expect(steps.filter((s) => (s.data as { handoff?: string }).handoff === id).map((s) => (s.data as { step: string }).step)).toEqual(expect.arrayContaining(["escalated", "notified", "next_destination", "taken", "replied"]));
    // Nothing of acme's reached globex.
    expect(tg.botReplies(GLOBEX_GROUP, bot(1)).filter((r) => r.visible.includes("order 99"))).toHaveLength(0);
  });

  test("outside globex's business hours the user is told in German when; the timeout counts business minutes", async () => {
    // Open only the day after tomorrow (UTC), so it is closed now whatever the time.
    const now = new Date();
    const dayIdx = (now.getUTCDay() + 6) % 7;
    const openIdx = (dayIdx + 2) % 7;
    const refused = await post("globex", "/admin/inbox/hours", { timezone: "Mars/Olympus", [DAYS[openIdx]!]: "09:00-17:00", language: "de" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("an IANA timezone");
    expect((await post("globex", "/admin/inbox/hours", { timezone: "UTC", [DAYS[openIdx]!]: "09:00-17:00", holidays: "2030-12-25", language: "de" })).status).toBe(303);
    expect(await t.app.db.withTenant(tenant.acme!, (tx) => tx.select().from(handoffHours))).toHaveLength(0);

    llm.on({ lastUser: "Reason for the handoff" }, { text: "Kunde möchte eine Person." });
    const id = await human("globex", 7402, USER_TEXT.de.escalated);
    const wait = await eventually(() => tg.botReplies(7402, bot(1)).find((r) => r.visible.startsWith("Wir sind gerade außerhalb unserer Geschäftszeiten")), 20_000, "wait notice");
    expect(wait.visible).toContain(`ab ${GERMAN_DAYS[openIdx]}, 09:00 (Zeitzone UTC)`);
    const opens = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 2, 9, 0);
    const raw = t.app.db.driver.raw;
    const [due] = await eventually(() => raw.query<{ s: number }>(`select extract(epoch from start_after)::float8 as s from pgboss.job where name = $1 and singleton_key = $2`, timeoutJob(id)).then((r) => (r.length ? r : undefined)), 15_000, "timeout queued");
    // Ten business minutes: ten minutes after the opening, not ten from now.
    expect(Math.abs(due!.s - (opens / 1000 + 600))).toBeLessThan(5);
    // Told once, also when the notification job runs again.
    await t.app.jobs.send(HANDOFF_QUEUE, { tenantId: tenant.globex, handoffId: id, step: "notify" });
    await t.app.jobs.settled(HANDOFF_QUEUE, 30_000);
    expect(tg.botReplies(7402, bot(1)).filter((r) => r.visible.startsWith("Wir sind gerade"))).toHaveLength(1);
    // Waiting an hour while closed is no lateness: the inbox's SLA colour counts business minutes.
    await t.app.db.withTenant(tenant.globex!, (tx) => tx.update(handoffs).set({ createdAt: new Date(Date.now() - 3_600_000) }).where(eq(handoffs.id, id)));
    const list = await (await admin.globex!.fetch(`/admin/inbox/list?tenant=${tenant.globex}&tab=waiting`, { headers: { accept: "text/html" } })).text();
    expect(list).toContain(`href="/admin/inbox/${id}?tenant=${tenant.globex}"`);
    expect(list).toContain('class="sla-ok"');
    expect(list).not.toContain("sla-late");
    // Through the escalate tool the model learns when, and says it in the user's language; no fixed notice then.
    const EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    llm.on({ lastUser: "einen Menschen", hasToolResult: false }, { toolCalls: [{ name: "escalate", arguments: { reason: "Kunde möchte einen Menschen" } }] });
    llm.on({ lastUser: "einen Menschen", toolResult: "outside its business hours" }, { text: `Eine Person antwortet Ihnen ab ${GERMAN_DAYS[openIdx]} um 9 Uhr.` });
    await tg.userSends(7403, "Ich möchte einen Menschen sprechen", { token: bot(1) });
    await eventually(() => tg.botReplies(7403, bot(1)).find((r) => r.visible.startsWith("Eine Person antwortet Ihnen ab")), 20_000, "the model relays the wait");
    const toolResult = JSON.stringify(llm.journal().filter((r) => r.lastUser?.includes("einen Menschen") && r.messages.some((m) => m.role === "tool")).at(-1));
    expect(toolResult).toContain(`a person will answer from ${EN_DAYS[openIdx]} 09:00 (UTC time)`);
    await t.app.jobs.settled(HANDOFF_QUEUE, 30_000);
    expect(tg.botReplies(7403, bot(1)).filter((r) => r.visible.startsWith("Wir sind gerade"))).toHaveLength(0);
    // Acme has no hours: its users are never told of a wait.
    expect(tg.botReplies(7401, bot(0)).filter((r) => r.visible.includes("business hours"))).toHaveLength(0);
  });

  test("acme's expected wait: refused out of 1..1440 in the reader's language, then told within its hours; globex unchanged", async () => {
    const always = Object.fromEntries(DAYS.map((d) => [d, "00:00-24:00"]));
    const form = (wait: string) => ({ timezone: "UTC", ...always, language: "en", expected_wait_minutes: wait });
    const de = await admin.acme!.fetch(`/admin/inbox/hours?tenant=${tenant.acme}`, { form: form("0"), headers: { accept: "text/html", "accept-language": "de" } });
    expect(de.status).toBe(400);
    expect(await de.text()).toContain("ganze Minuten von 1 bis 1440, oder leer");
    for (const bad of ["1441", "abc", "-5"]) {
      const en = await post("acme", "/admin/inbox/hours", form(bad));
      expect(en.status).toBe(400);
      expect(await en.text()).toContain("whole minutes from 1 to 1440, or empty");
    }
    expect(await t.app.db.withTenant(tenant.acme!, (tx) => tx.select().from(handoffHours))).toHaveLength(0);
    expect((await post("acme", "/admin/inbox/hours", form("15"))).status).toBe(303);
    const page = await (await admin.acme!.fetch(`/admin/inbox/settings?tenant=${tenant.acme}`, { headers: { accept: "text/html" } })).text();
    expect(page).toContain('name="expected_wait_minutes" type="number" value="15"');
    // /human within acme's hours says the wait; globex (no wait set, closed now) keeps its "from …" notice above.
    await human("acme", 7404, "A person will take over here shortly — usually within 15 minutes.");
    expect((await t.app.db.withTenant(tenant.globex!, (tx) => tx.select().from(handoffHours)))[0]!.expectedWaitMinutes).toBeNull();
  });
});
