/**
 * The escalation destination end to end, on both databases, two tenants. Acme's users talk to Ada in
 * Telegram and its people sit in a Slack channel (the Slack emulator); Globex's people sit in a
 * Telegram group of its own bot. A tenant admin sets the destination in the console; a user types
 * /human; the notification (reason, the model's summary — or, when the model fails, the last
 * messages alone — console link, *Take it*) appears at the destination; of two presses one wins and the notification says who; a reply in the Slack thread
 * (or a Telegram reply to the notification) from the owner reaches the user exactly once, anyone
 * else's is refused out loud; nothing crosses tenants. The timeout job re-notifies and tells the user.
 * After a restart, a reply in the notification's thread still finds its handoff.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog, conversations, handoffDestinations, handoffs } from "../../src/db/schema/index.ts";
import { HUMAN_TEXT } from "../../src/handoff/chat.ts";
import { HANDOFF_QUEUE, TIMEOUT_TEXT } from "../../src/handoff/jobs.ts";
import { STAFF_TEXT } from "../../src/handoff/staff.ts";
import { type Browser, tenantAdmins } from "../support/admin.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { signedInteraction, type SlackMessage, type SlackWorkspace, slackEvents, startSlackWorkspace } from "../support/slack.ts";
import { type BotReply, startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const GROUP = -1009001;

describe.each(DB_KINDS)("handoff notifications on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let ws: SlackWorkspace;
  let t: TestApp;
  let hook = "";
  const tenant: Record<string, string> = {};
  const admin: Record<string, Browser> = {};
  const bot = (i: number) => tg.bots[i]!.token;
  /** The Slack-side handoff of the second test, for the restart test. */
  const slackSide = { id: "", threadTs: "", owner: "" };

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
    const staff = await t.channel("acme", "staff");
    hook = `http://localhost/hooks/slack/${staff.channelId}`;
    tenant.acme = staff.tenantId;
    tenant.globex = (await t.channel("globex", "tg")).tenantId;
    const admins = await tenantAdmins(() => t.app, ["acme", "globex"]);
    admin.acme = await admins.acme.browser();
    admin.globex = await admins.globex.browser();
  }, 60_000);
  afterAll(async () => {
    await t.cleanup();
    await ws.stop();
    await tg.stop();
    await llm.stop();
  });

  const slackPost = async (req: () => Request) => {
    for (let i = 0; ; i++) {
      const res = await t.app.http.handle(req());
      if (res.status !== 503 || i > 100) return res;
      await Bun.sleep(50);
    }
  };
  const setDestination = (slug: string, form: Record<string, string>) => admin[slug]!.fetch(`/admin/inbox/settings?tenant=${tenant[slug]}`, { form, headers: { accept: "text/html" } });
  async function human(slug: "acme" | "globex", chatId: number): Promise<string> {
    const token = bot(slug === "acme" ? 0 : 1);
    await tg.userSends(chatId, "/human", { token });
    await eventually(() => tg.botReplies(chatId, token).find((r) => r.visible === HUMAN_TEXT.escalated), 10_000, "/human answered");
    const [row] = await t.app.db.withTenant(tenant[slug]!, (tx) =>
      tx.select({ id: handoffs.id }).from(handoffs).innerJoin(conversations, eq(conversations.id, handoffs.conversationId)).where(and(eq(handoffs.status, "waiting"), eq(conversations.chatKey, String(chatId)))));
    return row!.id;
  }
  const handoff = async (slug: string, id: string) => (await t.app.db.withTenant(tenant[slug]!, (tx) => tx.select().from(handoffs).where(eq(handoffs.id, id))))[0]!;

  test("the destination form: only the tenant's own Slack/Telegram channels, a valid chat id, admins only", async () => {
    const staff = await t.channel("acme", "staff");
    const globexTg = await t.channel("globex", "tg");
    expect((await setDestination("acme", { channel_id: globexTg.channelId, chat: "C1", timeout_minutes: "0" })).status).toBe(400);
    expect((await setDestination("acme", { channel_id: staff.channelId, chat: "not a channel", timeout_minutes: "0" })).status).toBe(400);
    expect((await setDestination("acme", { channel_id: staff.channelId, chat: ws.channel, timeout_minutes: "99999" })).status).toBe(400);
    expect((await admin.globex!.fetch(`/admin/inbox/settings?tenant=${tenant.acme}`, { form: { channel_id: staff.channelId, chat: ws.channel, timeout_minutes: "0" } })).status).toBe(403);
    expect((await setDestination("acme", { channel_id: staff.channelId, chat: ws.channel, timeout_minutes: "0" })).status).toBe(303);
    expect((await setDestination("globex", { channel_id: globexTg.channelId, chat: String(GROUP), timeout_minutes: "5" })).status).toBe(303);
    const page = await (await admin.acme!.fetch(`/admin/inbox/settings?tenant=${tenant.acme}`, { headers: { accept: "text/html" } })).text();
    expect(page).toContain(`value="${ws.channel}"`);
    expect(await t.app.db.withTenant(tenant.acme!, (tx) => tx.select().from(handoffDestinations))).toHaveLength(1);
  });

  test("Telegram user → Slack notification → Take it (one wins) → thread reply reaches the user once", async () => {
    llm.on({ lastUser: "my parcel 4711 is lost" }, { text: "I am sorry to hear that." });
    await tg.userSends(7301, "my parcel 4711 is lost", { token: bot(0) });
    await eventually(() => tg.botReplies(7301, bot(0)).find((r) => r.visible === "I am sorry to hear that."), 10_000, "AI answer");
    // The notification job asks the agent's model for a summary (one call, recorded like every call).
    llm.on({ lastUser: "Reason for the handoff" }, { text: "Parcel 4711 is lost; the AI apologised; someone should trace it." });
    const calls = llm.journal().length;
    const id = await human("acme", 7301);
    const notice = await eventually(async () => (await ws.messages(ws.channel)).find((m) => m.text.includes(id) || m.blocks?.some((b) => b.elements?.some((e) => e.action_id === `khto:${id}`))), 15_000, "Slack notification");
    expect(notice.text).toContain("A person is needed");
    expect(notice.text).toContain("my parcel 4711 is lost");
    expect(notice.text).toContain("Summary: Parcel 4711 is lost; the AI apologised; someone should trace it.");
    const asked = llm.journal().slice(calls).filter((r) => r.lastUser?.startsWith("Reason for the handoff"));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.lastUser).toContain("User: my parcel 4711 is lost");
    const recorded = await t.app.db.withTenant(tenant.acme!, (tx) => tx.select({ data: auditLog.data }).from(auditLog).where(eq(auditLog.kind, "llm_call")));
    expect(recorded.filter((r) => (r.data as { handoff?: string }).handoff === id)).toHaveLength(1);
    expect(notice.text).toContain(`https://konstruct.example/admin/inbox/${id}?tenant=${tenant.acme}`);
    const msg = { ...notice, channel: ws.channel } as SlackMessage & { channel: string };
    expect(await eventually(async () => (await handoff("acme", id)).noticeRef, 5000, "notification recorded")).toBe(notice.ts);

    // Two people press at once: one owns it, the notification says who, the other is told.
    const [a, b] = await Promise.all([
      slackPost(() => signedInteraction(ws, msg, `khto:${id}`, { url: hook })),
      slackPost(() => signedInteraction(ws, msg, `khto:${id}`, { url: hook, user: "U0OTHER01" })),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await t.app.gateway.pipeline.idle();
    const taken = await eventually(async () => (await handoff("acme", id)).owner, 10_000, "taken");
    expect(["slack:" + ws.human.userId, "slack:U0OTHER01"]).toContain(taken);
    const edited = await eventually(async () => (await ws.messages(ws.channel)).find((m) => m.ts === notice.ts && m.text.includes("took it")), 10_000, "notification edited");
    expect(edited.blocks?.some((bl) => bl.type === "actions") ?? false).toBe(false);
    const thread = await eventually(async () => (await ws.messages(ws.channel, notice.ts)).find((m) => m.text.includes("already owns")), 10_000, "loser told");
    expect(thread.text).toContain(taken!);

    // Only the owner's thread reply goes out; a redelivery of it sends nothing twice.
    const owner = taken!.slice("slack:".length);
    const other = owner === ws.human.userId ? "U0OTHER01" : ws.human.userId;
    await slackPost(() => ws.signed(slackEvents.threadReply(ws, { threadTs: notice.ts, text: "psst, not for the user", user: other }), { url: hook }));
    const reply = slackEvents.threadReply(ws, { threadTs: notice.ts, text: "Your parcel 4711 was found.", user: owner });
    expect((await slackPost(() => ws.signed(reply, { url: hook }))).status).toBe(200);
    expect((await slackPost(() => ws.signed(reply, { url: hook, retryNum: 1 }))).status).toBe(200);
    await eventually(() => tg.botReplies(7301, bot(0)).find((r) => r.visible === `${owner} (human): Your parcel 4711 was found.`), 15_000, "reply in Telegram");
    await t.app.gateway.pipeline.idle();
    await Bun.sleep(300);
    expect(tg.botReplies(7301, bot(0)).filter((r) => r.visible.includes("parcel 4711 was found"))).toHaveLength(1);
    expect(tg.botReplies(7301, bot(0)).filter((r) => r.visible.includes("psst"))).toHaveLength(0);
    expect((await ws.messages(ws.channel, notice.ts)).filter((m) => m.user === ws.bot.userId && m.text.includes("already owns")).length).toBeGreaterThanOrEqual(2);

    expect(await t.app.metrics.registry.metrics()).toContain('konstruct_handoff_first_reply_seconds_count{source="command"} 1');
    Object.assign(slackSide, { id, threadTs: notice.ts, owner });

    // Nothing of acme's reached globex's people.
    expect(tg.botReplies(GROUP, bot(1)).filter((r) => r.visible.includes("4711"))).toHaveLength(0);
    const steps = await t.app.db.withTenant(tenant.acme!, (tx) => tx.select({ data: auditLog.data }).from(auditLog).where(eq(auditLog.kind, "handoff")));
    expect(steps.filter((s) => (s.data as { handoff?: string }).handoff === id).map((s) => (s.data as { step: string }).step)).toEqual(expect.arrayContaining(["escalated", "notified", "taken", "replied"]));
  });

  test("Telegram group as destination: inline Take it, a reply to the notification reaches the user; a timeout re-notifies and tells the user", async () => {
    // The model fails when asked for the summary: the notification goes out with the last messages alone.
    llm.on({ lastUser: "where is my invoice" }, { text: "Let me look for it." });
    await tg.userSends(7302, "where is my invoice", { token: bot(1) });
    await eventually(() => tg.botReplies(7302, bot(1)).find((r) => r.visible === "Let me look for it."), 10_000, "AI answer");
    llm.on({ lastUser: "Reason for the handoff" }, { status: 500, message: "model down" });
    const id = await human("globex", 7302);
    const notice: BotReply = await eventually(() => tg.botReplies(GROUP, bot(1)).find((r) => r.reply_markup?.inline_keyboard.flat().some((k) => k.callback_data === `khto:${id}`)), 20_000, "Telegram notification");
    expect(notice.visible).toContain("A person is needed");
    expect(notice.visible).not.toContain("Summary:");
    expect(notice.visible).toContain("Last messages:");
    expect(notice.visible).toContain("where is my invoice");
    const failed = await t.app.db.withTenant(tenant.globex!, (tx) => tx.select({ data: auditLog.data, summary: auditLog.summary }).from(auditLog).where(eq(auditLog.kind, "llm_call")));
    expect(failed.filter((r) => (r.data as { handoff?: string }).handoff === id && r.summary.includes("failed")).length).toBeGreaterThan(0);
    // A person reads it before answering; by then its message id is on record (the chat shows it a moment before).
    await eventually(async () => (await handoff("globex", id)).noticeRef, 5000, "notification recorded");
    // Before anyone takes it, a reply is refused out loud.
    await tg.userSendsInGroup(GROUP, "I can do it", { token: bot(1), replyTo: notice, from: { id: 501, first_name: "Jon" } });
    await eventually(() => tg.botReplies(GROUP, bot(1)).find((r) => r.visible === STAFF_TEXT.takeFirst.replaceAll("*", "")), 10_000, "take first");

    await tg.userClicks(notice, `khto:${id}`, { token: bot(1), from: { id: 501, first_name: "Jon" } });
    await eventually(() => tg.edits(GROUP, bot(1)).find((e) => e.visible.includes("Jon User took it")), 10_000, "notification edited");
    expect((await handoff("globex", id)).owner).toBe("telegram:501");
    await tg.userSendsInGroup(GROUP, "Hello, Jon here. How can I help?", { token: bot(1), replyTo: notice, from: { id: 501, first_name: "Jon" } });
    await eventually(() => tg.botReplies(7302, bot(1)).find((r) => r.visible === "Jon User (human): Hello, Jon here. How can I help?"), 15_000, "reply reaches the user");
    expect(tg.botReplies(7302, bot(0))).toHaveLength(0); // not through acme's bot

    // A second handoff nobody takes: its timeout job re-notifies and tells the user, once.
    const late = await human("globex", 7303);
    await eventually(() => tg.botReplies(GROUP, bot(1)).find((r) => r.reply_markup?.inline_keyboard.flat().some((k) => k.callback_data === `khto:${late}`)), 15_000, "first notification");
    // The notification queued its timeout at the destination's 5 minutes; the test runs it now instead.
    const raw = t.app.db.driver.raw;
    const key = [HANDOFF_QUEUE, `timeout:${late}`];
    const [due] = await eventually(() => raw.query<{ s: number }>(`select extract(epoch from start_after - created_on)::float8 as s from pgboss.job where name = $1 and singleton_key = $2`, key).then((r) => (r.length ? r : undefined)), 10_000, "timeout job queued");
    expect(due!.s).toBeGreaterThan(290);
    expect(due!.s).toBeLessThan(310);
    await raw.query(`update pgboss.job set start_after = now() where name = $1 and singleton_key = $2`, key);
    await t.app.jobs.settled(HANDOFF_QUEUE, 30_000);
    await eventually(() => tg.botReplies(7303, bot(1)).find((r) => r.visible === TIMEOUT_TEXT), 15_000, "user told");
    expect(tg.botReplies(GROUP, bot(1)).filter((r) => r.visible.includes("Still waiting for a person"))).toHaveLength(1);
    await t.app.jobs.send(HANDOFF_QUEUE, { tenantId: tenant.globex, handoffId: late, step: "timeout" });
    await t.app.jobs.settled(HANDOFF_QUEUE, 30_000);
    expect(tg.botReplies(7303, bot(1)).filter((r) => r.visible === TIMEOUT_TEXT)).toHaveLength(1);
    expect((await handoff("globex", late)).renotifiedAt).toBeInstanceOf(Date);
  });

  test("after a restart the owner's reply in the Slack thread still reaches the user, once", async () => {
    await t.restart();
    const hookNow = `http://localhost/hooks/slack/${(await t.channel("acme", "staff")).channelId}`;
    const reply = slackEvents.threadReply(ws, { threadTs: slackSide.threadTs, text: "Following up after the restart.", user: slackSide.owner });
    expect((await slackPost(() => ws.signed(reply, { url: hookNow }))).status).toBe(200);
    await eventually(() => tg.botReplies(7301, bot(0)).find((r) => r.visible === `${slackSide.owner} (human): Following up after the restart.`), 15_000, "reply after restart");
    expect((await slackPost(() => ws.signed(reply, { url: hookNow, retryNum: 1 }))).status).toBe(200);
    await t.app.gateway.pipeline.idle();
    await Bun.sleep(200);
    expect(tg.botReplies(7301, bot(0)).filter((r) => r.visible.includes("Following up after the restart."))).toHaveLength(1);
    expect((await handoff("acme", slackSide.id)).status).toBe("taken");
  });
});
