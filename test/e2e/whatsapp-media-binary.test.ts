/**
 * WhatsApp media from the compiled binary (issue 14's "done when"): signed deliveries from the fake
 * Cloud API reach `konstruct serve` over HTTP; a photo of a receipt with a caption reaches the vision
 * link as an image part (downloaded by media id with the bearer token), a voice note (a real Ogg Opus
 * file) is transcribed by aimock and the transcript answered, a PDF document's extracted text is in
 * the prompt — each answered exactly once, by an agent scoped to its business (the scope in its
 * system prompt); a program sent as a PDF and a PDF over the limit get one refusal each, no model
 * call, and the sender is answered normally afterwards. The
 * latency of each path is printed (bench:media measures it properly).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ensureBinary } from "../support/binary.ts";
import { type BinaryWhatsApp, NUMBER, SCOPE, startBinaryWhatsApp } from "../support/binary-whatsapp.ts";
import { oggOpusSilence } from "../support/ogg-opus.ts";

const PDF = new Uint8Array(await Bun.file(`${import.meta.dir}/../fixtures/kb/policy.pdf`).arrayBuffer());
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, ...new Array(112).fill(0)]);
const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const SAID = "What is the hotel cap for a night in Berlin?";
let b: BinaryWhatsApp;

beforeAll(async () => {
  b = await startBinaryWhatsApp(ensureBinary(), { media: { transcription: { provider: "mock", model: "whisper-1" }, max_document_mb: 1 } });
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

const chats = () => b.llm.journal().filter((r) => r.path === "/v1/chat/completions");

test("a PDF document with a question: its extracted text is in the prompt, one answer", async () => {
  b.llm.on({ lastUser: "my expense claim" }, { text: "The policy attached covers passwords, not expenses." });
  const id = b.wa.addMedia(PDF, "application/pdf", NUMBER.token);
  const { reply, ms } = await b.roundTrip("4915100007003", { type: "document", document: { id, mime_type: "application/pdf", filename: "policy.pdf", caption: "Does this policy matter for my expense claim?" } });
  expect(reply.body).toMatchObject({ type: "text", text: { body: "The policy attached covers passwords, not expenses." } });
  const prompt = chats().at(-1)!.lastUser!;
  expect(prompt).toContain("Does this policy matter for my expense claim?");
  expect(prompt).toContain('[attached document "policy.pdf" (application/pdf), its text follows]');
  expect(prompt).toContain("Passwords must be at least 14 characters long.");
  expect(await settle("4915100007003")).toHaveLength(1);
  console.log(`document path: ${Math.round(ms)} ms from webhook to reply`);
}, 60_000);

test("a program sent as a PDF and a PDF over the limit: one refusal each, no model call; the sender is answered afterwards", async () => {
  const asked = chats().length;
  const fake = b.wa.addMedia(EXE, "application/pdf", NUMBER.token);
  const refused = await b.roundTrip("4915100007004", { type: "document", document: { id: fake, mime_type: "application/pdf", filename: "invoice.pdf", caption: "my hotel receipt" } });
  expect(refused.reply.body).toMatchObject({ type: "text" });
  const said = (refused.reply.body as { text: { body: string } }).text.body;
  expect(said).toContain(`can't use "invoice.pdf"`);
  expect(said).toContain("application/x-msdownload");
  const big = new Uint8Array(1024 * 1024 + 4096);
  big.set(PDF.subarray(0, 1024));
  const huge = b.wa.addMedia(big, "application/pdf", NUMBER.token);
  const tooLarge = await b.roundTrip("4915100007005", { type: "document", document: { id: huge, mime_type: "application/pdf", filename: "receipts.pdf", caption: "my receipts for March" } });
  expect(tooLarge.reply.body).toMatchObject({ type: "text", text: { body: '"receipts.pdf" is too large: document files may be at most 1 MB.' } });
  expect(await settle("4915100007004")).toHaveLength(1);
  expect(await settle("4915100007005")).toHaveLength(1);
  expect(chats()).toHaveLength(asked);
  // Nothing is lost or stuck: the next message is answered by the model.
  const next = await b.roundTrip("4915100007004", { type: "text", text: { body: "What is the hotel cap for a night in Berlin?" } });
  expect(next.reply.body).toMatchObject({ type: "text", text: { body: "140 EUR a night in Berlin." } });
  expect(chats()).toHaveLength(asked + 1);
}, 90_000);
