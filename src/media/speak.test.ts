import { describe, expect, test } from "bun:test";
import pino from "pino";
import { LlmCallError } from "../llm/errors.ts";
import { speakable, speaker } from "./speak.ts";

const log = pino({ level: "silent" });
const setting = { provider: "tts", model: "tts-1", voice: "alloy", max_chars: 40, max_audio_mb: 1 };

describe("speakable", () => {
  test("drops Markdown's marks, code and link targets, keeps the words", () => {
    expect(speakable("## Hotel\n**140 EUR** a night, see [the policy](https://x.test/p).\n- `cap` applies\n```\ncode\n```")).toBe("Hotel\n140 EUR a night, see the policy.\ncap applies");
  });
  test("snake_case and arithmetic survive", () => {
    expect(speakable("use max_audio_mb and 2 * 3 * 4")).toBe("use max_audio_mb and 2 * 3 * 4");
  });
});

describe("speaker", () => {
  const calls: string[] = [];
  const pool = (fail?: Error) => ({
    providers: () => ["tts"],
    async speak(_p: string, _m: string, input: { text: string }) {
      calls.push(input.text);
      if (fail) throw fail;
      return { bytes: new Uint8Array([1, 2, 3]), mime: "audio/ogg" };
    },
  });

  test("off without a provider", () => {
    expect(speaker(pool(), { ...setting, provider: "" }, log)).toBeUndefined();
  });
  test("speaks the speakable text and reports the call for the ledger", async () => {
    const out = await speaker(pool(), setting, log)!("**Yes**, 140 EUR.");
    expect(calls.at(-1)).toBe("Yes, 140 EUR.");
    expect(out.voice?.mime).toBe("audio/ogg");
    expect(out.call).toMatchObject({ provider: "tts", model: "tts-1", ok: true, chars: 13 });
  });
  test("an answer over max_chars, or refused by the budget, makes no call", async () => {
    const before = calls.length;
    expect(await speaker(pool(), setting, log)!("x".repeat(41))).toEqual({ call: null });
    expect(await speaker(pool(), setting, log)!("short", () => false)).toEqual({ call: null });
    expect(calls.length).toBe(before);
  });
  test("a failure is a result without audio, never a throw", async () => {
    const out = await speaker(pool(new LlmCallError("server", "HTTP 500")), setting, log)!("Hello");
    expect(out.voice).toBeUndefined();
    expect(out.call).toMatchObject({ ok: false, error: "HTTP 500", chars: 5 });
  });
});
