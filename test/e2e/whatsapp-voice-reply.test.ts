/**
 * Voice replies on WhatsApp, both databases: a voice note (fetched by media id with the bearer
 * token, transcribed by aimock) is answered with an audio message — the speech uploaded through
 * POST /{phone-number-id}/media, then sent by its id, threaded under the voice note — followed by
 * the text (WhatsApp audio has no caption). A number without voice replies, and an audio message
 * WhatsApp refuses, still get the text exactly once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { oggOpusSilence } from "../support/ogg-opus.ts";
import { startWhatsAppFake, type WhatsAppFake } from "../support/whatsapp.ts";

const ACME = { id: "100000000000011", token: "EAAG-acme-voice", secret: "acme-voice-secret" };
const GLOBEX = { id: "200000000000022", token: "EAAG-globex-voice", secret: "globex-voice-secret" };
const REPLY_AUDIO = oggOpusSilence(2);

describe.each(DB_KINDS)("WhatsApp voice replies on %s Postgres", (kind) => {
  let llm: LlmMock;
  let wa: WhatsAppFake;
  let t: TestApp;
  const hook = (channelId: string) => (req: Request) => t.app.http.handle(new Request(`http://localhost/hooks/whatsapp/${channelId}`, req));

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Your parcel arrives **tomorrow**.");
    llm.aimock.onTranscription({ transcription: { text: "When does my parcel arrive?" } });
    llm.aimock.onSpeech("Your parcel arrives tomorrow.", { audio: Buffer.from(REPLY_AUDIO).toString("base64"), format: "opus" });
    wa = await startWhatsAppFake();
    const channel = (n: typeof ACME, voice: string) => ({ kind: "whatsapp", name: "wa", phone_number_id: n.id, access_token: n.token, app_secret: n.secret, verify_token: `verify-${n.id}-token`, graph_url: wa.url, voice_replies: voice });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      media: { transcription: { provider: "mock", model: "whisper-1" }, speech: { provider: "mock", model: "tts-1" } },
      tenants: [
        { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [channel(ACME, "on")] }] },
        { slug: "globex", name: "Globex", agents: [{ slug: "bob", name: "Bob", models: ["mock/m"], channels: [channel(GLOBEX, "off")] }] },
      ],
    });
    for (const [slug, n] of [["acme", ACME], ["globex", GLOBEX]] as const) {
      const { channelId } = await t.channel(slug, "wa");
      wa.addNumber({ phoneNumberId: n.id, token: n.token, appSecret: n.secret, webhookUrl: hook(channelId) });
    }
  }, 120_000);
  afterAll(async () => {
    await t.cleanup();
    await wa.stop();
    await llm.stop();
  });

  const voiceNote = (n: typeof ACME) => ({ type: "audio", audio: { id: wa.addMedia(oggOpusSilence(1), "audio/ogg; codecs=opus", n.token), mime_type: "audio/ogg; codecs=opus", voice: true } });

  test("a voice note is answered with an uploaded audio message, then the text", async () => {
    const { id } = await wa.userSends(ACME.id, "4915100005001", voiceNote(ACME));
    const [audio, text] = await wa.waitForSent(ACME.id, "4915100005001", 2, 20_000);
    const upload = wa.uploads.find((u) => u.phoneNumberId === ACME.id)!;
    expect(upload.mime).toBe("audio/ogg");
    expect(upload.bytes).toEqual(REPLY_AUDIO);
    expect(audio!.body).toMatchObject({ type: "audio", audio: { id: upload.id }, context: { message_id: id } });
    expect(text!.body).toMatchObject({ type: "text", text: { body: "Your parcel arrives *tomorrow*." } });
    expect(text!.body.context).toBeUndefined();
    await Bun.sleep(200);
    await t.app.gateway.pipeline.idle();
    expect(wa.sent.filter((m) => m.to === "4915100005001")).toHaveLength(2);
  });

  test("an audio message WhatsApp refuses: the text still goes out, once", async () => {
    wa.failNext(131026);
    await wa.userSends(ACME.id, "4915100005002", voiceNote(ACME));
    const [only] = await wa.waitForSent(ACME.id, "4915100005002", 1, 20_000);
    expect(only!.body).toMatchObject({ type: "text", text: { body: "Your parcel arrives *tomorrow*." } });
    await Bun.sleep(200);
    await t.app.gateway.pipeline.idle();
    expect(wa.sent.filter((m) => m.to === "4915100005002")).toHaveLength(1);
  });

  test("a number without voice replies answers a voice note in text and never calls the speech endpoint", async () => {
    const speechBefore = llm.journal().filter((r) => r.path === "/v1/audio/speech").length;
    await wa.userSends(GLOBEX.id, "4915100005003", voiceNote(GLOBEX));
    const [only] = await wa.waitForSent(GLOBEX.id, "4915100005003", 1, 20_000);
    expect(only!.body.type).toBe("text");
    await Bun.sleep(200);
    await t.app.gateway.pipeline.idle();
    expect(wa.sent.filter((m) => m.to === "4915100005003")).toHaveLength(1);
    expect(wa.uploads.filter((u) => u.phoneNumberId === GLOBEX.id)).toEqual([]);
    expect(llm.journal().filter((r) => r.path === "/v1/audio/speech")).toHaveLength(speechBefore);
  });
});
