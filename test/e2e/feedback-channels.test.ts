/**
 * 👍/👎 on answers in Telegram (inline buttons through the shimmed Bot API) and Slack (an actions block,
 * pressed as a signed block_actions, and a signed 👍/👎 reaction_added / reaction_removed), on both databases with two tenants: off by default (globex's bot
 * shows no buttons), on per channel (acme); a press is a rating in src/feedback by the channel user,
 * pressing the other thumb replaces it, and a forged press naming another tenant's answer rates nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { feedback, outboundMessages } from "../../src/db/schema/index.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { signedInteraction, slackEvents, type SlackWorkspace, startSlackWorkspace } from "../support/slack.ts";
import { type BotReply, startTelegramShim, type TelegramShim } from "../support/telegram.ts";

describe.each(DB_KINDS)("feedback buttons in Telegram and Slack on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let ws: SlackWorkspace;
  let t: TestApp;
  let acme = "";
  let globex = "";
  let hook = "";

  const ratings = (tenantId: string) => t.app.db.withTenant(tenantId, (tx) => tx.select().from(feedback).orderBy(feedback.createdAt));
  const thumbs = (r: BotReply) => r.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];
  const data = (r: BotReply, label: string) => r.reply_markup!.inline_keyboard.flat().find((b) => b.text === label)!.callback_data!;

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Opening hours are 9 to 5.");
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }, { username: "GlobexGusBot" }] });
    ws = await startSlackWorkspace({ teamId: "T0ACME" });
    const tgChannel = (name: string, token: string, extra: object = {}) => ({ kind: "telegram", name, bot_token: token, api_root: tg.apiRoot, ...extra });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
      tenants: [
        {
          slug: "acme",
          name: "Acme",
          agents: [
            {
              slug: "ada",
              name: "Ada",
              models: ["mock/m"],
              channels: [
                tgChannel("tg", tg.bots[0]!.token, { feedback: "on" }),
                { kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId, feedback: "on" },
              ],
            },
          ],
        },
        { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/m"], channels: [tgChannel("tg-globex", tg.bots[1]!.token)] }] },
      ],
    });
    acme = (await t.channel("acme", "tg")).tenantId;
    globex = (await t.channel("globex", "tg-globex")).tenantId;
    hook = `http://localhost/hooks/slack/${(await t.channel("acme", "slack")).channelId}`;
  });
  afterAll(async () => {
    await t.cleanup();
    await ws.stop();
    await tg.stop();
    await llm.stop();
  });

  test("Telegram: the answer carries 👍 / 👎; a press is a rating by that user; the other thumb replaces it", async () => {
    await tg.userSends(7001, "when are you open?");
    const [answer] = await tg.waitForReplies(7001, 1, { timeoutMs: 15_000 });
    expect(answer!.visible).toBe("Opening hours are 9 to 5.");
    expect(thumbs(answer!)).toEqual(["👍", "👎"]);
    const answered = tg.answers().length;
    const { update } = await tg.userClicks(answer!, data(answer!, "👍"));
    const [up] = await eventually(async () => ((await ratings(acme)).length ? ratings(acme) : null), 10_000, "rating");
    expect([up!.rating, up!.rater, up!.correction]).toEqual([1, "7001", null]);
    await eventually(() => tg.answers().slice(answered).find((a) => a.callback_query_id === update.callback_query!.id), 5000, "answerCallbackQuery");
    await tg.userClicks(answer!, data(answer!, "👎"));
    await eventually(async () => ((await ratings(acme))[0]?.rating === -1 ? true : null), 10_000, "thumbs-down");
    expect((await ratings(acme)).length).toBe(1);
    // A press is not a turn: the chat got no second message.
    await t.app.gateway.pipeline.idle();
    expect(tg.botReplies(7001)).toHaveLength(1);
  });

  test("Telegram: off by default — globex's bot answers without buttons", async () => {
    await tg.userSends(7002, "when are you open?", { token: tg.bots[1]!.token });
    const [answer] = await tg.waitForReplies(7002, 1, { token: tg.bots[1]!.token, timeoutMs: 15_000 });
    expect(answer!.visible).toBe("Opening hours are 9 to 5.");
    expect(answer!.reply_markup).toBeUndefined();
    expect(await ratings(globex)).toHaveLength(0);
  });

  test("a forged press naming another tenant's answer (or another chat's) rates nothing", async () => {
    const [theirs] = await t.app.db.withTenant(globex, (tx) => tx.select({ id: outboundMessages.id }).from(outboundMessages).limit(1));
    await tg.userSends(7003, "when are you open?");
    const [answer] = await tg.waitForReplies(7003, 1, { timeoutMs: 15_000 });
    const before = (await ratings(acme)).length;
    // A modified client can send any callback_data: the shim presses a button we did not send.
    const forge = (data: string) => tg.userClicks({ ...answer!, reply_markup: { inline_keyboard: [[{ text: "👍", callback_data: data }]] } } as BotReply, data);
    await forge(`fb:+:${theirs!.id}`);
    await forge(`fb:+:${(await ratings(acme))[0]!.outboundId}`);
    await Bun.sleep(300);
    await t.app.gateway.pipeline.idle();
    expect((await ratings(acme)).length).toBe(before);
    expect(await ratings(globex)).toHaveLength(0);
  });

  test("Slack: the answer has a 👍 / 👎 actions block; a signed block_actions press is a rating", async () => {
    const mine = async () => (await ws.messages(ws.dm)).filter((m) => m.user === ws.bot.userId);
    expect((await t.app.http.handle(ws.signed(slackEvents.dm(ws, { text: "when are you open?" }), { url: hook }))).status).toBe(200);
    const answer = await eventually(async () => (await mine()).find((m) => m.blocks?.some((b) => b.type === "actions")) ?? null, 15_000, "answer with buttons");
    const buttons = answer.blocks!.flatMap((b) => b.elements ?? []);
    expect(buttons.map((e) => e.text?.text)).toEqual(["👍", "👎"]);
    const down = buttons.find((e) => e.text?.text === "👎")!.action_id!;
    const before = (await ratings(acme)).length;
    expect((await t.app.http.handle(signedInteraction(ws, { ...answer, channel: ws.dm }, down, { url: hook }))).status).toBe(200);
    const rated = await eventually(async () => (await ratings(acme)).find((r) => r.rater === ws.human.userId) ?? null, 10_000, "slack rating");
    expect(rated.rating).toBe(-1);
    expect((await ratings(acme)).length).toBe(before + 1);
    const [row] = await t.app.db.withTenant(acme, (tx) => tx.select().from(outboundMessages).where(eq(outboundMessages.id, rated.outboundId)));
    expect(row!.text).toBe("Opening hours are 9 to 5.");
  });

  test("Slack: a 👍/👎 reaction on the answer is a rating, the other thumb replaces it, removing it takes it back", async () => {
    const mine = async () => (await ws.messages(ws.dm)).filter((m) => m.user === ws.bot.userId);
    const before = (await mine()).length;
    expect((await t.app.http.handle(ws.signed(slackEvents.dm(ws, { text: "and on Sundays?" }), { url: hook }))).status).toBe(200);
    const answer = await eventually(async () => ((await mine()).length > before ? (await mine()).at(-1)! : null), 15_000, "answer");
    // The message is in Slack a moment before the outbox records its ts (the send returns first).
    const row = await eventually(async () => (await t.app.db.withTenant(acme, (tx) => tx.select().from(outboundMessages).where(eq(outboundMessages.externalId, answer.ts))))[0], 10_000, "answer recorded");
    const mineRating = async () => (await ratings(acme)).find((r) => r.outboundId === row!.id && r.rater === ws.human.userId) ?? null;
    const react = async (reaction: string, o: { removed?: boolean; itemTs?: string; itemUser?: string; eventId?: string; retryNum?: number } = {}) => {
      const env = slackEvents.reaction(ws, { itemTs: o.itemTs ?? answer.ts, reaction, ...o });
      expect((await t.app.http.handle(ws.signed(env, { url: hook, ...(o.retryNum !== undefined ? { retryNum: o.retryNum } : {}) }))).status).toBe(200);
      return env.event_id;
    };
    const settled = async () => (await Bun.sleep(200), await t.app.gateway.pipeline.idle());

    const up = await react("+1::skin-tone-3");
    expect((await eventually(mineRating, 10_000, "reaction rating")).rating).toBe(1);
    await react("+1", { eventId: up, retryNum: 1 }); // Slack's retry of the same event: recorded once
    await react("heart"); // not a rating
    await react("-1", { itemTs: "1000000000.000001" }); // no answer of ours has that ts
    await react("-1", { itemUser: ws.human.userId }); // the human's own message
    await settled();
    expect((await ratings(acme)).filter((r) => r.outboundId === row!.id).map((r) => r.rating)).toEqual([1]);

    await react("thumbsdown");
    await eventually(async () => ((await mineRating())?.rating === -1 ? true : null), 10_000, "thumbs-down reaction");
    await react("+1", { removed: true }); // the 👍 it no longer is: the 👎 stays
    await settled();
    expect((await mineRating())?.rating).toBe(-1);
    await react("thumbsdown", { removed: true });
    await eventually(async () => ((await mineRating()) === null ? true : null), 10_000, "rating taken back");
    // Reactions are not turns: the bot said nothing more.
    await settled();
    expect((await mine()).length).toBe(before + 1);
  });
});
