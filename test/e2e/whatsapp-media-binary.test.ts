/**
 * WhatsApp media from the compiled binary (issue 14's "done when"): signed deliveries from the fake
 * Cloud API reach `konstruct serve` over HTTP; a photo of a receipt with a caption reaches the vision
 * link as an image part (downloaded by media id with the bearer token), a voice note (a real Ogg Opus
 * file) is transcribed by aimock and the transcript answered — each answered exactly once, by an
 * agent scoped to its business (the scope in its system prompt). The
 * latency of each path is printed (bench:media measures it properly).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ensureBinary } from "../support/binary.ts";
import { type BinaryWhatsApp, NUMBER, SCOPE, startBinaryWhatsApp } from "../support/binary-whatsapp.ts";
import { oggOpusSilence } from "../support/ogg-opus.ts";

const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const SAID = "What is the hotel cap for a night in Berlin?";
let b: BinaryWhatsApp;

beforeAll(async () => {
  b = await startBinaryWhatsApp(ensureBinary());
  b.llm.replyAll("The receipt shows 23.50 EUR at Café Blau.");
  b.llm.on({ lastUser: SAID }, { text: "140 EUR a night in Berlin." });
  b.llm.aimock.onTranscription({ transcription: { text: SAID } });
}, 300_000);
afterAll(async () => {
  await b?.stop();
});

const settle = async (from: string) => {
  await Bun.sleep(1500);
  return b.wa.sent.filter((m) => m.to === from);
};

test("a photo of a receipt with a caption: the model sees the image, one answer", async () => {
  const id = b.wa.addMedia(Uint8Array.from(Buffer.from(PNG_B64, "base64")), "image/png", NUMBER.token);
  const { reply, ms } = await b.roundTrip("4915100007001", { type: "image", image: { id, mime_type: "image/png", caption: "what's on this receipt?" } });
  expect(reply.body).toMatchObject({ type: "text", text: { body: "The receipt shows 23.50 EUR at Café Blau." } });
  const chat = b.llm.journal().find((r) => r.path === "/v1/chat/completions")!;
  const parts = chat.messages.findLast((m) => m.role === "user")!.content as { type: string; text?: string; image_url?: { url: string } }[];
  expect(chat.model).toBe("eyes");
  expect(String(chat.messages[0]!.content)).toContain(SCOPE.business);
  expect(parts[0]!.text).toContain("what's on this receipt?");
  expect(parts[1]).toEqual({ type: "image_url", image_url: { url: `data:image/png;base64,${PNG_B64}` } });
  expect(await settle("4915100007001")).toHaveLength(1);
  console.log(`photo path: ${Math.round(ms)} ms from webhook to reply`);
}, 60_000);

test("a voice note: transcribed, the transcript answered, one answer", async () => {
  const id = b.wa.addMedia(oggOpusSilence(1), "audio/ogg; codecs=opus", NUMBER.token);
  const { reply, ms } = await b.roundTrip("4915100007002", { type: "audio", audio: { id, mime_type: "audio/ogg; codecs=opus", voice: true } });
  expect(reply.body).toMatchObject({ type: "text", text: { body: "140 EUR a night in Berlin." } });
  const paths = b.llm.journal().map((r) => r.path);
  expect(paths.filter((p) => p === "/v1/audio/transcriptions")).toHaveLength(1);
  expect(b.llm.journal().findLast((r) => r.path === "/v1/chat/completions")!.lastUser).toBe(`[voice note "voice.ogg", transcribed]\n${SAID}`);
  expect(await settle("4915100007002")).toHaveLength(1);
  console.log(`voice path: ${Math.round(ms)} ms from webhook to reply`);
}, 60_000);
