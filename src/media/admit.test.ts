/** Admission judges the bytes, never the name or the claimed type. */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { admit, sniff } from "./admit.ts";

const LIMITS = { image: 100, document: 10_000, audio: 10_000 };
const PNG = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"));
const OGG = Uint8Array.from([...Buffer.from("OggS"), 0, 2, ...new Array(20).fill(0), 1, 19, ...Buffer.from("OpusHead"), 1, 1, ...new Array(10).fill(0)]);

test("a PNG is an image whatever it is called", async () => {
  expect(await admit("notes.txt", PNG, LIMITS)).toEqual({ ok: true, kind: "image", mime: "image/png" });
});

test("UTF-8 text is a document; binary junk is refused", async () => {
  expect(await admit("a.md", new TextEncoder().encode("Quarterly numbers: 42 — über"), LIMITS)).toMatchObject({ ok: true, kind: "document", mime: "text/plain" });
  expect(await admit("a.jpg", Uint8Array.from([0xff, 0x00, 0x13, 0x37, 0xfe]), LIMITS)).toMatchObject({ ok: false, reason: "refused_type" });
});

test("a PDF from the knowledge fixtures is a document", async () => {
  const dir = "test/fixtures/kb";
  const pdf = readFileSync(`${dir}/${require("node:fs").readdirSync(dir).find((f: string) => f.endsWith(".pdf"))}`);
  expect(await sniff(new Uint8Array(pdf))).toBe("application/pdf");
});

test("an Ogg Opus voice note is audio", async () => {
  expect(await admit("voice.ogg", OGG, LIMITS)).toMatchObject({ ok: true, kind: "audio" });
});

test("over the kind's limit: a plain sentence with the limit", async () => {
  const v = await admit("big.png", new Uint8Array([...PNG, ...new Array(200).fill(0)]), LIMITS);
  expect(v).toMatchObject({ ok: false, reason: "too_large" });
  expect(v.ok ? "" : v.message).toBe('"big.png" is too large: image files may be at most 1 KB.');
});
