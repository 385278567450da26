/** The length a voice note is billed and budgeted at: exact for Ogg Opus, an estimate by size otherwise. */
import { expect, test } from "bun:test";
import { oggOpusSilence } from "../../test/support/ogg-opus.ts";
import { audioSeconds } from "./audio-seconds.ts";

test("Ogg Opus: the last page's granule at 48 kHz, rounded up to whole seconds", () => {
  expect(audioSeconds(oggOpusSilence(1))).toBe(1);
  expect(audioSeconds(oggOpusSilence(7))).toBe(7);
  expect(audioSeconds(oggOpusSilence(2.5))).toBe(3);
});

test("other audio: estimated at 16,000 bytes a second, at least one", () => {
  expect(audioSeconds(new Uint8Array(160_000))).toBe(10);
  expect(audioSeconds(new Uint8Array(10))).toBe(1);
});

test("a truncated or lying Ogg header falls back to the size estimate, never throws", () => {
  const ogg = oggOpusSilence(3);
  expect(audioSeconds(ogg.subarray(0, 40))).toBe(1);
  const noCodec = ogg.slice();
  noCodec.set(new TextEncoder().encode("XXXXHead"), 28);
  expect(audioSeconds(noCodec)).toBe(1);
});
