/**
 * Voice replies end to end on both databases: a Telegram voice note is transcribed (aimock's
 * `/v1/audio/transcriptions`), answered by the model, and the answer read aloud through aimock's
 * `/v1/audio/speech` comes back as a Telegram voice note (sendVoice, multipart) with the text as
 * its caption; the speech call is a usage row priced per million characters. A failing speech
 * endpoint, or a channel without voice replies, still answers in text, exactly once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { llmCalls, replyPreferences } from "../../src/db/schema/index.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { oggOpusSilence } from "../support/ogg-opus.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const ANSWER = "**140 EUR** a night in Berlin.";
const SPOKEN = "140 EUR a night in Berlin.";
const REPLY_AUDIO = oggOpusSilence(2);

describe.each(DB_KINDS)("voice replies over Telegram on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;

  beforeAll(async () => {
    llm = await startLlmMock();
    tg = await startTelegramShim({ bots: [{ username: "SpeakBot" }, { username: "QuietBot" }] });
    const channel = (name: string, token: string, voice: "on" | "off") => ({ kind: "telegram" as const, name, bot_token: token, api_root: tg.apiRoot, voice_replies: voice });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }], prices: { "mock/tts-1": { input_per_mtok: 15, output_per_mtok: 0 } } },
      media: { transcription: { provider: "mock", model: "whisper-1" }, speech: { provider: "mock", model: "tts-1", voice: "nova", max_chars: 200 } },
      tenants: [
        { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [channel("speak", tg.bots[0]!.token, "on")] }] },
        { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/m"], channels: [channel("quiet", tg.bots[1]!.token, "off")] }] },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  const voice = (token = tg.bots[0]!.token) => ({ ...tg.putFile(oggOpusSilence(1), token), duration: 1, mime_type: "audio/ogg" });
  const script = () => {
    llm.replyAll(ANSWER);
    llm.aimock.onTranscription({ transcription: { text: "What is the hotel cap in Berlin?" } });
    llm.aimock.onSpeech(SPOKEN, { audio: Buffer.from(REPLY_AUDIO).toString("base64"), format: "opus" });
  };

  test("a voice note is answered with a voice note captioned with the text; the speech call is priced", async () => {
    await llm.reset();
    script();
    await tg.userSends(4001, "", { extra: { voice: voice() } as never });
    const [reply] = await tg.waitForReplies(4001, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toBe(SPOKEN);
    expect(reply!.parse_mode).toBe("HTML");
    expect(reply!.text).toBe("<b>140 EUR</b> a night in Berlin.");
    const [sent] = tg.voices(4001);
    expect(sent!.messageId).toBe(reply!.message_id);
    expect(sent!.bytes).toEqual(REPLY_AUDIO);
    expect(llm.journal().map((r) => r.path)).toEqual(["/v1/audio/transcriptions", "/v1/chat/completions", "/v1/audio/speech"]);
    expect(llm.journal()[2]).toMatchObject({ model: "tts-1", lastUser: SPOKEN, status: 200 });
    await Bun.sleep(100);
    expect(tg.botReplies(4001)).toHaveLength(1);
    const { tenantId } = await t.channel("acme", "speak");
    const calls = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(llmCalls).where(eq(llmCalls.model, "tts-1")));
    expect(calls.map((c) => [c.provider, c.ok, c.promptTokens, Number(c.costUsd)])).toEqual([["mock", true, SPOKEN.length, (SPOKEN.length * 15) / 1e6]]);
  });

  test("a failing speech endpoint: the text still goes out, once, and the failed call is on record", async () => {
    await llm.reset();
    llm.replyAll(ANSWER);
    llm.aimock.onTranscription({ transcription: { text: "And in Paris?" } });
    llm.aimock.prependFixture({ match: { endpoint: "speech" }, response: { status: 500, error: { message: "vocoder crashed", type: "server_error" } } });
    await tg.userSends(4002, "", { extra: { voice: voice() } as never });
    const [reply] = await tg.waitForReplies(4002, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toBe(SPOKEN);
    expect(tg.voices(4002)).toEqual([]);
    expect(llm.journal().at(-1)).toMatchObject({ path: "/v1/audio/speech", status: 500 });
    await Bun.sleep(100);
    expect(tg.botReplies(4002)).toHaveLength(1);
    const { tenantId } = await t.channel("acme", "speak");
    const failed = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(llmCalls).where(eq(llmCalls.ok, false)));
    expect(failed.map((c) => [c.model, Number(c.costUsd)])).toEqual([["tts-1", 0]]);
  });

  test("per user: 'answer me by voice' makes typed messages spoken; 'text only' stops it even for a voice note", async () => {
    await llm.reset();
    script();
    // Registered last, matched first (the mock prepends).
    llm.on({ lastUser: "answer me by voice", hasToolResult: false }, { toolCalls: [{ name: "set_reply_mode", arguments: { mode: "voice" } }] });
    llm.on({ lastUser: "text only", hasToolResult: false }, { toolCalls: [{ name: "set_reply_mode", arguments: { mode: "text" } }] });
    await tg.userSends(4005, "Please answer me by voice from now on.");
    await tg.waitForReplies(4005, 1, { timeoutMs: 20_000 });
    // The choice holds for the very answer that confirmed it, and for the next typed question.
    expect(tg.voices(4005)).toHaveLength(1);
    await tg.userSends(4005, "What is the hotel cap?");
    await tg.waitForReplies(4005, 2, { timeoutMs: 20_000 });
    expect(tg.voices(4005)).toHaveLength(2);
    // Another user of the same bot, typing, still gets text (the preference is theirs alone).
    await tg.userSends(4006, "What is the hotel cap?");
    await tg.waitForReplies(4006, 1, { timeoutMs: 20_000 });
    expect(tg.voices(4006)).toEqual([]);
    await tg.userSends(4005, "text only, please");
    await tg.waitForReplies(4005, 3, { timeoutMs: 20_000 });
    await tg.userSends(4005, "", { extra: { voice: voice() } as never });
    const replies = await tg.waitForReplies(4005, 4, { timeoutMs: 20_000 });
    expect(replies.at(-1)!.visible).toBe(SPOKEN);
    expect(tg.voices(4005)).toHaveLength(2);
    const { tenantId } = await t.channel("acme", "speak");
    const prefs = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(replyPreferences));
    expect(prefs.map((p) => [p.userKey, p.mode])).toEqual([["4005", "text"]]);
    const globex = await t.channel("globex", "quiet");
    expect(await t.app.db.withTenant(globex.tenantId, (tx) => tx.select().from(replyPreferences))).toEqual([]);
  });

  test("typed text is answered in text, and a channel with voice replies off never calls the speech endpoint", async () => {
    await llm.reset();
    script();
    await tg.userSends(4003, "What is the hotel cap?");
    await tg.userSends(4004, "", { token: tg.bots[1]!.token, extra: { voice: voice(tg.bots[1]!.token) } as never });
    const [typed] = await tg.waitForReplies(4003, 1, { timeoutMs: 20_000 });
    const [quiet] = await tg.waitForReplies(4004, 1, { token: tg.bots[1]!.token, timeoutMs: 20_000 });
    expect([typed!.visible, quiet!.visible]).toEqual([SPOKEN, SPOKEN]);
    expect(tg.voices(4003)).toEqual([]);
    expect(tg.voices(4004, tg.bots[1]!.token)).toEqual([]);
    expect(llm.journal().map((r) => r.path).sort()).toEqual(["/v1/audio/transcriptions", "/v1/chat/completions", "/v1/chat/completions"]);
  });
});
