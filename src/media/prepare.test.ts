/**
 * prepareAttachments per kind, with what the agent can take in: an image becomes a part for the
 * vision model only when the chain has one; a voice note goes to the transcriber named by its sniffed
 * type, its transcript bounded like a document; an upload already stored is read from the store and
 * claimed, not kept again; every failure is a sentence, never a throw.
 */
import { describe, expect, test } from "bun:test";
import { oggOpusSilence } from "../../test/support/ogg-opus.ts";
import type { Attachment } from "../channels/types.ts";
import type { AudioInput } from "../llm/types.ts";
import { prepareAttachments } from "./prepare.ts";

const PNG = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"));
const OGG = oggOpusSilence(1);
const CONFIG = { max_image_mb: 1, max_document_mb: 1, max_audio_mb: 1, max_files_per_message: 3, excerpt_chars: 20, download_timeout_ms: 5000 };
const channel = (files: Record<string, Uint8Array>) => ({ download: async (a: Attachment) => ({ bytes: files[a.ref]! }) });
const att = (ref: string, name: string): Attachment => ({ ref, name });
const CALL = { provider: "p", model: "whisper-1", ok: true, promptTokens: 1, completionTokens: 0, latencyMs: 5 };

describe("images", () => {
  test("with a vision link: the bytes as base64 under the sniffed type, and a line naming it in the turn", async () => {
    const out = await prepareAttachments(channel({ p: PNG }), [att("p", "receipt.jpg")], CONFIG, { seesImages: true });
    expect(out).toEqual({ refusals: [], images: [{ mime: "image/png", base64: Buffer.from(PNG).toString("base64") }], context: ['[attached image "receipt.jpg" (image/png)]'] });
  });

  test("without one: the plain sentence, no image", async () => {
    const out = await prepareAttachments(channel({ p: PNG }), [att("p", "receipt.png")], CONFIG, { seesImages: false });
    expect(out.images).toEqual([]);
    expect(out.refusals).toEqual(['This AI employee cannot see images ("receipt.png"): none of its models is set up for pictures. Please describe it in words.']);
  });

  test("over max_image_mb: refused with the limit, even with a vision link", async () => {
    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(PNG);
    const out = await prepareAttachments(channel({ p: big }), [att("p", "huge.png")], { ...CONFIG, max_document_mb: 2 }, { seesImages: true });
    expect(out.images).toEqual([]);
    expect(out.refusals[0]).toBe('"huge.png" is too large: image files may be at most 1 MB.');
  });
});

describe("voice notes", () => {
  test("sent as <name>.ogg with the sniffed type; the transcript is cut at excerpt_chars with a note", async () => {
    const heard: AudioInput[] = [];
    const transcribe = async (a: AudioInput) => (heard.push(a), { text: "please book the 9:40 train to Bergen", call: CALL });
    const out = await prepareAttachments(channel({ v: OGG }), [att("v", "audio")], CONFIG, { seesImages: false, transcribe });
    expect(heard).toEqual([{ bytes: OGG, name: "audio.ogg", mime: "audio/ogg" }]);
    expect(out.context).toEqual(['[voice note "audio", transcribed]\nplease book the 9:40 [… 16 more characters not shown]']);
    expect(out.calls).toEqual([CALL]);
  });

  test("a transcription refused (the budget) is the refusal's own sentence; a failed call is still a call for the ledger", async () => {
    const refused = await prepareAttachments(channel({ v: OGG }), [att("v", "voice.ogg")], CONFIG, { seesImages: false, transcribe: async () => ({ text: null, refusal: "over budget, sorry", call: null }) });
    expect(refused).toMatchObject({ refusals: ["over budget, sorry"], context: [] });
    expect(refused.calls).toBeUndefined();
    const failed = { ...CALL, ok: false, error: "HTTP 500", promptTokens: 0 };
    const out = await prepareAttachments(channel({ v: OGG }), [att("v", "voice.ogg")], CONFIG, { seesImages: false, transcribe: async () => ({ text: null, call: failed }) });
    expect(out.refusals).toEqual(['I couldn\'t transcribe "voice.ogg" just now. Please try again, or type your message.']);
    expect(out.calls).toEqual([failed]);
  });

  test("silence is said to be silence; a failing transcriber is a sentence; none at all is the plain refusal", async () => {
    const quiet = await prepareAttachments(channel({ v: OGG }), [att("v", "voice.ogg")], CONFIG, { seesImages: false, transcribe: async () => ({ text: "  ", call: CALL }) });
    expect(quiet.context).toEqual(['[voice note "voice.ogg", transcribed]\n(nothing audible)']);
    const failing = await prepareAttachments(channel({ v: OGG }), [att("v", "voice.ogg")], CONFIG, { seesImages: false, transcribe: () => Promise.reject(new Error("HTTP 500")) });
    expect(failing.refusals).toEqual(['I couldn\'t transcribe "voice.ogg" just now. Please try again, or type your message.']);
    const none = await prepareAttachments(channel({ v: OGG }), [att("v", "voice.ogg")], CONFIG, { seesImages: false });
    expect(none.refusals[0]).toContain("no transcription is set up");
  });
});

describe("keeping", () => {
  test("every admitted file is handed to keep under its sniffed type; a refused type is not kept", async () => {
    const kept: { name: string; mime: string; kind: string; size: number }[] = [];
    const keep = async (f: { name: string; mime: string; kind: string }, bytes: Uint8Array) => void kept.push({ ...f, size: bytes.byteLength });
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0]);
    const out = await prepareAttachments(channel({ p: PNG, x: exe }), [att("p", "receipt.jpg"), att("x", "invoice.pdf")], CONFIG, { seesImages: false, keep });
    expect(kept).toEqual([{ name: "receipt.jpg", mime: "image/png", kind: "image", size: PNG.byteLength }]);
    expect(out.refusals).toHaveLength(2);
  });
});

describe("stored uploads (widget, web chat)", () => {
  test("read from the store, never downloaded; claimed instead of kept again; one the store will not give is a sentence", async () => {
    const claimed: string[] = [];
    const kept: string[] = [];
    const store: Record<string, Uint8Array> = { "row-1": new TextEncoder().encode("Order 4711 ships Friday") };
    const can = {
      seesImages: false,
      keep: async (f: { name: string }) => void kept.push(f.name),
      stored: { open: async (id: string) => store[id] ?? null, claim: async (id: string) => void claimed.push(id) },
    };
    const noDownload = {};
    const out = await prepareAttachments(noDownload, [{ ref: "row-1", name: "order.txt", stored: true }, { ref: "row-2", name: "other.txt", stored: true }], { ...CONFIG, excerpt_chars: 100 }, can);
    expect(out.context).toEqual(['[attached document "order.txt" (text/plain), its text follows]\nOrder 4711 ships Friday\n[end of "order.txt"]']);
    expect(out.refusals).toEqual(['I couldn\'t fetch "other.txt" from the chat; please send it again.']);
    expect([claimed, kept]).toEqual([["row-1"], []]);
  });
});
