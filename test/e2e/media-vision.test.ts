/**
 * Images to vision models, end to end through HTTP on both databases: a Telegram photo (shimmed Bot
 * API) and a Slack image file (emulator) reach the model as an OpenAI `image_url` content part with
 * the picture's bytes as a data URL — the LLM mock's journal shows it — and only the chain's links
 * flagged ` vision` are asked. An agent without one answers the plain sentence and calls no model.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, type MockRequest, startLlmMock } from "../support/llm.ts";
import { type SlackWorkspace, slackEvents, startSlackWorkspace, uploadFile } from "../support/slack.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const PNG = Uint8Array.from(Buffer.from(PNG_B64, "base64"));
const IMAGE_PART = { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_B64}` } };

/** The last user message's content parts, as the model received them. */
const userParts = (r: MockRequest) => r.messages.findLast((m) => m.role === "user")!.content as { type: string; text?: string }[];

describe.each(DB_KINDS)("images to vision models on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let ws: SlackWorkspace;
  let t: TestApp;
  let hook = "";

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("I see a receipt.").on({ model: "blind" }, { text: "I was asked without eyes." });
    tg = await startTelegramShim({ bots: [{ username: "EyeBot" }, { username: "BlindBot" }] });
    ws = await startSlackWorkspace({ teamId: "T0VISION" });
    const slack = { kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId };
    const telegram = (name: string, token: string) => ({ kind: "telegram", name, bot_token: token, api_root: tg.apiRoot });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      tenants: [
        {
          slug: "acme",
          name: "Acme",
          agents: [
            { slug: "eye", name: "Eye", models: ["mock/blind", { model: "mock/eyes", vision: true }], channels: [telegram("tg-eye", tg.bots[0]!.token), slack] },
            { slug: "ada", name: "Ada", models: ["mock/blind"], channels: [telegram("tg-blind", tg.bots[1]!.token)] },
          ],
        },
      ],
    });
    hook = `http://localhost/hooks/slack/${(await t.channel("acme", "slack")).channelId}`;
  });
  afterAll(async () => {
    await t.cleanup();
    await Promise.all([llm.stop(), tg.stop(), ws.stop()]);
  });

  test("a Telegram photo reaches the vision link as an image_url part; the blind link is skipped", async () => {
    const photo = [{ ...tg.putFile(PNG, tg.bots[0]!.token), width: 1, height: 1 }];
    await tg.userSends(2001, "", { token: tg.bots[0]!.token, extra: { caption: "what's on this receipt?", photo } as never });
    const [reply] = await tg.waitForReplies(2001, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toBe("I see a receipt.");
    expect(llm.journal().map((r) => r.model)).toEqual(["eyes"]);
    const parts = userParts(llm.journal().at(-1)!);
    expect(parts[0]).toMatchObject({ type: "text", text: expect.stringContaining("what's on this receipt?") });
    expect(parts.slice(1)).toEqual([IMAGE_PART]);
  });

  test("a follow-up question goes to the whole chain again, as text that names the earlier image", async () => {
    await llm.reset();
    llm.replyAll("23.50 EUR.");
    await tg.userSends(2001, "and the total?", { token: tg.bots[0]!.token });
    await tg.waitForReplies(2001, 2, { timeoutMs: 20_000 });
    const last = llm.journal().at(-1)!;
    expect(last.model).toBe("blind");
    expect(last.lastUser).toBe("and the total?");
    expect(JSON.stringify(last.messages)).toContain("[attached image");
    expect(JSON.stringify(last.messages)).not.toContain("image_url");
  });

  test("an agent without a vision model says so plainly, and no model is called", async () => {
    const calls = llm.journal().length;
    const photo = [{ ...tg.putFile(PNG, tg.bots[1]!.token), width: 1, height: 1 }];
    await tg.userSends(2002, "", { token: tg.bots[1]!.token, extra: { caption: "what is this?", photo } as never });
    const [reply] = await tg.waitForReplies(2002, 1, { timeoutMs: 20_000, token: tg.bots[1]!.token });
    expect(reply!.visible).toContain("This AI employee cannot see images");
    expect(llm.journal()).toHaveLength(calls);
  });

  test("a Slack image file reaches the vision link as an image_url part", async () => {
    await llm.reset();
    llm.replyAll("A tiny picture.");
    const id = await uploadFile(ws, PNG, "scan.png", ws.dm);
    const post = async (envelope: unknown) => {
      for (let i = 0; ; i++) {
        const res = await t.app.http.handle(ws.signed(envelope, { url: hook }));
        if (res.status !== 503 || i > 100) return expect(res.status).toBe(200);
        await Bun.sleep(50);
      }
    };
    await post(slackEvents.fileShare(ws, { text: "describe this", files: [{ id, name: "scan.png", mimetype: "image/png" }] }));
    await eventually(async () => (await ws.messages(ws.dm)).some((m) => m.user === ws.bot.userId) || null, 20_000, "the bot's reply");
    const last = llm.journal().at(-1)!;
    expect(last.model).toBe("eyes");
    expect(userParts(last).slice(1)).toEqual([IMAGE_PART]);
  });
});
