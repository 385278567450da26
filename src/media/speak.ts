/**
 * Voice replies: an answer read aloud through the OpenAI-compatible `/audio/speech` endpoint of one
 * configured LLM provider (config media.speech), mirroring transcribe.ts — the pool makes the call,
 * so the provider's sealed key, timeout, concurrency gate and the SSRF-guarded fetch apply as for
 * its chat calls, and the audio is read no further than `max_audio_mb`.
 *
 * Invariants: never throws — a failure (logged here, the pool's messages carry no key) is a result
 * without audio, so the text reply always goes out; an answer longer than `max_chars` is not sent to
 * the endpoint at all (text only); every call made, failed or not, is returned for the ledger
 * (usage and budget: characters count as prompt tokens, so `llm.prices` can price them per million
 * characters, as speech endpoints bill).
 */
import type { Logger } from "pino";
import type { LlmPool } from "../llm/pool.ts";

export interface SpeechSetting {
  provider: string;
  model: string;
  voice: string;
  max_chars: number;
  max_audio_mb: number;
}

export interface SpeechCall {
  provider: string;
  model: string;
  ok: boolean;
  error?: string;
  /** Characters sent: what speech endpoints bill by. */
  chars: number;
  latencyMs: number;
}

export interface Spoken {
  voice?: { bytes: Uint8Array; mime: string };
  /** The call made, for the ledger; null when none was (too long, nothing to say, over budget). */
  call: SpeechCall | null;
}

/** `maxChars` of speakable text may still be refused by the caller's budget: it asks `allowed` first. */
export type Speak = (text: string, allowed?: (call: Pick<SpeechCall, "provider" | "model" | "chars">) => boolean, signal?: AbortSignal) => Promise<Spoken>;

export function speaker(pool: Pick<LlmPool, "speak" | "providers">, setting: SpeechSetting, log: Logger): Speak | undefined {
  if (!setting.provider) return undefined;
  if (!pool.providers().includes(setting.provider)) log.warn({ provider: setting.provider }, "media.speech names a provider that does not exist (yet): voice replies will go out as text");
  const { provider, model } = setting;
  return async (text, allowed, signal) => {
    const said = speakable(text);
    if (!said || said.length > setting.max_chars) return { call: null };
    if (allowed && !allowed({ provider, model, chars: said.length })) return { call: null };
    const started = performance.now();
    const call = { provider, model, chars: said.length };
    try {
      const voice = await pool.speak(provider, model, { text: said, voice: setting.voice, format: "opus", maxBytes: setting.max_audio_mb * 1024 * 1024 }, signal);
      const latencyMs = performance.now() - started;
      log.debug({ provider, chars: said.length, bytes: voice.bytes.byteLength, ms: Math.round(latencyMs) }, "reply spoken");
      return { voice, call: { ...call, ok: true, latencyMs } };
    } catch (e) {
      const error = (e as Error).message;
      log.warn({ provider, err: error }, "speech failed; the reply goes out as text");
      return { call: { ...call, ok: false, error, latencyMs: performance.now() - started } };
    }
  };
}

/** The answer as it should be read aloud: Markdown's marks, code fences and link targets left out. */
export function speakable(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, "")
    .replace(/(^|[^\w*_~`])(\*\*|__|\*|_|~~|`)(?=\S)([^\n]*?\S)\2(?!\w)/gm, "$1$3")
    .replace(/[ \t]+/g, " ")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
