/**
 * Voice replies on Slack, both databases: a voice clip shared in a DM (downloaded with the bot token,
 * transcribed by aimock) is answered with the speech uploaded as a file (files.uploadV2 against the
 * Slack emulator) and the text posted after it as usual, exactly once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { oggOpusSilence } from "../support/ogg-opus.ts";
import { type SlackWorkspace, slackEvents, startSlackWorkspace, uploadFile } from "../support/slack.ts";

const REPLY_AUDIO = oggOpusSilence(2);

describe.each(DB_KINDS)("Slack voice replies on %s Postgres", (kind) => {
  let llm: LlmMock;
  let ws: SlackWorkspace;
  let t: TestApp;
  let hook = "";

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("The cap is **140 EUR**.");
    llm.aimock.onTranscription({ transcription: { text: "What is the hotel cap?" } });
    llm.aimock.onSpeech("The cap is 140 EUR.", { audio: Buffer.from(REPLY_AUDIO).toString("base64"), format: "opus" });
    ws = await startSlackWorkspace({ teamId: "T0VOICE" });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      media: { transcription: { provider: "mock", model: "whisper-1" }, speech: { provider: "mock", model: "tts-1" } },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [{ kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId, voice_replies: "on" }] }] }],
    });
    hook = `http://localhost/hooks/slack/${(await t.channel("acme", "slack")).channelId}`;
  }, 120_000);
  afterAll(async () => {
    await t.cleanup();
    await Promise.all([llm.stop(), ws.stop()]);
  });

  test("a voice clip is answered with an uploaded audio file, then the text, once", async () => {
    const id = await uploadFile(ws, oggOpusSilence(1), "voice.ogg", ws.dm);
    for (let i = 0; ; i++) {
      const res = await t.app.http.handle(ws.signed(slackEvents.fileShare(ws, { files: [{ id, name: "voice.ogg", mimetype: "audio/ogg" }] }), { url: hook }));
      if (res.status !== 503 || i > 100) break;
      await Bun.sleep(50);
    }
    const mine = async () => (await ws.messages(ws.dm)).filter((m) => m.user === ws.bot.userId || m.bot_id);
    const replies = await eventually(async () => ((await mine()).some((m) => m.text === "The cap is *140 EUR*.") ? mine() : null), 20_000, "the bot's text reply");
    const [voice, text] = replies as (typeof replies[number] & { files?: { name: string; size: number; mimetype: string }[] })[];
    expect(voice!.files?.map((f) => [f.name, f.size])).toEqual([["reply.ogg", REPLY_AUDIO.byteLength]]);
    expect(text!.text).toBe("The cap is *140 EUR*.");
    await Bun.sleep(300);
    await t.app.gateway.pipeline.idle();
    expect(await mine()).toHaveLength(2);
    expect(llm.journal().map((r) => r.path)).toEqual(["/v1/audio/transcriptions", "/v1/chat/completions", "/v1/audio/speech"]);
  });
});
