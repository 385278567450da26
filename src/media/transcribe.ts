/**
 * Voice notes to text through the Whisper-compatible endpoint of one configured LLM provider
 * (config media.transcription): the pool makes the call, so the provider's sealed key, its timeout
 * and concurrency gate and the SSRF-guarded fetch apply exactly as for its chat calls. A failure is
 * logged here (the pool's messages carry no key) and becomes a plain sentence in prepare.ts.
 */
import type { Logger } from "pino";
import type { LlmPool } from "../llm/pool.ts";
import type { AudioInput } from "../llm/types.ts";

export type Transcribe = (audio: AudioInput, signal?: AbortSignal) => Promise<string>;

export function transcriber(pool: Pick<LlmPool, "transcribe" | "providers">, setting: { provider: string; model: string }, log: Logger): Transcribe | undefined {
  if (!setting.provider) return undefined;
  // Providers may still be added in the console, so this is said at start rather than refused.
  if (!pool.providers().includes(setting.provider)) log.warn({ provider: setting.provider }, "media.transcription names a provider that does not exist (yet): voice notes will be answered 'couldn't transcribe'");
  return async (audio, signal) => {
    const started = performance.now();
    try {
      const text = await pool.transcribe(setting.provider, setting.model, audio, signal);
      log.debug({ provider: setting.provider, bytes: audio.bytes.byteLength, ms: Math.round(performance.now() - started) }, "voice note transcribed");
      return text;
    } catch (e) {
      log.warn({ provider: setting.provider, err: (e as Error).message }, "transcription failed");
      throw e;
    }
  };
}
