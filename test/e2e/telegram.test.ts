/**
 * Telegram end to end: users write through the (shimmed) Bot API emulator, the real app long-polls
 * it (and takes a webhook), the pipeline answers via sendMessage. Two bots for two tenants.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

describe.each(DB_KINDS)("Telegram end to end on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Sure — **done**.");
    tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }, { username: "GlobexBobBot" }] });
    const [ada, bob] = tg.bots;
    const bot = (name: string, token: string, extra: Record<string, unknown> = {}) => ({ kind: "telegram", name, bot_token: token, api_root: tg.apiRoot, ...extra });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      tenants: [
        { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [bot("tg", ada!.token), bot("tg-hook", "999:unused", { mode: "webhook", webhook_secret: "s3cret-hook" })] }] },
        { slug: "globex", name: "Globex", agents: [{ slug: "bob", name: "Bob", models: ["mock/m"], channels: [bot("tg", bob!.token)] }] },
      ],
    });
  });
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  test("a private message is answered, threaded, in Telegram HTML", async () => {
    const { update } = await tg.userSends(1001, "hello Ada");
    const [reply] = await tg.waitForReplies(1001, 1);
    expect(reply!.visible).toBe("Sure — done.");
    expect(reply!.parse_mode).toBe("HTML");
    expect(reply!.text).toContain("<b>done</b>");
    expect(reply!.reply_parameters?.message_id).toBe(update.message!.message_id);
  });

  test("in a group: silent without a mention, answers when mentioned", async () => {
    await tg.userSendsInGroup(-2001, "just chatting among humans");
    await tg.userSendsInGroup(-2001, "can you help?", { mention: true });
    const replies = await tg.waitForReplies(-2001, 1);
    await Bun.sleep(300);
    await t.app.gateway.pipeline.idle();
    expect(tg.botReplies(-2001)).toHaveLength(1);
    expect(replies[0]!.visible).toBe("Sure — done.");
    expect(llm.journal().at(-1)!.lastUser).toBe("can you help?");
  });

  test("two bots of two tenants answer only their own chats", async () => {
    const [, bob] = tg.bots;
    await tg.userSends(3001, "for bob", { token: bob!.token });
    await tg.waitForReplies(3001, 1, { token: bob!.token });
    expect(tg.botReplies(3001, tg.bots[0]!.token)).toHaveLength(0);
    expect(String(llm.journal().find((r) => r.lastUser === "for bob")!.messages[0]!.content)).toContain("You are Bob");
  });

  test("/new and /help are answered by the appliance itself, without the model", async () => {
    const calls = llm.journal().length;
    await tg.userSends(4001, "/help");
    const [help] = await tg.waitForReplies(4001, 1);
    expect(help!.visible).toContain("I'm Ada");
    await tg.userSends(4001, "/new");
    const replies = await tg.waitForReplies(4001, 2);
    expect(replies[1]!.visible).toContain("fresh conversation");
    expect(llm.journal()).toHaveLength(calls);
  });

  test("webhook with a wrong or missing secret is 401 and handed to nobody", async () => {
    const { channelId } = await t.channel("acme", "tg-hook");
    const update = { update_id: 777, message: { message_id: 1, date: 0, chat: { id: 5001, type: "private" }, from: { id: 5001, is_bot: false, first_name: "Eve" }, text: "let me in" } };
    const post = (secret?: string) =>
      t.app.http.handle(
        new Request(`http://localhost/hooks/telegram/${channelId}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) },
          body: JSON.stringify(update),
        }),
      );
    expect((await post("wrong")).status).toBe(401);
    expect((await post()).status).toBe(401);
    await t.app.gateway.pipeline.idle();
    expect(llm.journal().some((r) => r.lastUser === "let me in")).toBe(false);
  });

  test("long polling across a restart: every update answered exactly once", async () => {
    await tg.userSends(6001, "before restart 1");
    await tg.userSends(6001, "before restart 2");
    await tg.waitForReplies(6001, 2);
    await t.app.stop();
    // Written while the appliance is down: must be picked up after restart, and nothing repeated.
    await tg.userSends(6001, "while down 1");
    await tg.userSends(6001, "while down 2");
    await t.restart();
    await tg.waitForReplies(6001, 4, { timeoutMs: 15_000 });
    await Bun.sleep(500);
    await t.app.gateway.pipeline.idle();
    expect(tg.botReplies(6001)).toHaveLength(4);
    const asked = llm.journal().map((r) => r.lastUser).filter((u) => u?.includes("restart") || u?.includes("down"));
    expect(asked.sort()).toEqual(["before restart 1", "before restart 2", "while down 1", "while down 2"]);
  });
});
