/**
 * Voice notes to text through the Whisper-compatible endpoint of one configured LLM provider
 * (config media.transcription): the pool makes the call, so the provider's sealed key, its timeout
 * and concurrency gate and the SSRF-guarded fetch apply exactly as for its chat calls.
 *
 * Invariants, mirroring speak.ts: never throws — a failure (logged here, the pool's messages carry
 * no key) is a result without text that prepare.ts turns into a sentence; the caller's `allowed`
 * (the agent's budget) is asked before the call with the audio's length, and a refusal means no
 * call; every call made, failed or not, is returned for the ledger (a usage row: the endpoint's own
 * usage when it reports one, else the audio's seconds as prompt units — llm.prices prices them).
 */
import type { Logger } from "pino";
import type { CallRecord } from "../agent/usage.ts";
import type { LlmPool } from "../llm/pool.ts";
import type { AudioInput } from "../llm/types.ts";
import { audioSeconds } from "./audio-seconds.ts";

/** Seconds of audio (or the endpoint's input tokens) and its output tokens: what the row is priced by. */
export type TranscriptionCall = Omit<CallRecord, "tenantId" | "agentId" | "conversationId" | "costUsd">;

export interface Heard {
  /** The transcript; null when there is none (refused or failed). */
  text: string | null;
  /** Said to the user instead of the generic "couldn't transcribe" (the budget's reason). */
  refusal?: string;
  /** The call made, for the ledger; null when none was. */
  call: TranscriptionCall | null;
}

/** Asked before the call: null to go ahead, else the sentence the user gets instead. */
export type TranscriptionGate = (call: { provider: string; model: string; seconds: number }) => string | null;

export type Transcribe = (audio: AudioInput, allowed?: TranscriptionGate, signal?: AbortSignal) => Promise<Heard>;

export function transcriber(pool: Pick<LlmPool, "transcribe" | "providers">, setting: { provider: string; model: string }, log: Logger): Transcribe | undefined {
  if (!setting.provider) return undefined;
  // Providers may still be added in the console, so this is said at start rather than refused.
  if (!pool.providers().includes(setting.provider)) log.warn({ provider: setting.provider }, "media.transcription names a provider that does not exist (yet): voice notes will be answered 'couldn't transcribe'");
  const { provider, model } = setting;
  return async (audio, allowed, signal) => {
    const seconds = audioSeconds(audio.bytes);
    const refusal = allowed?.({ provider, model, seconds });
    if (refusal) return { text: null, refusal, call: null };
    const started = performance.now();
    const estimated = { promptTokens: seconds, completionTokens: 0 };
    try {
      const out = await pool.transcribe(provider, model, audio, signal);
      const latencyMs = performance.now() - started;
      log.debug({ provider, bytes: audio.bytes.byteLength, seconds, ms: Math.round(latencyMs) }, "voice note transcribed");
      return { text: out.text, call: { provider, model, ok: true, ...(out.usage ?? estimated), latencyMs } };
    } catch (e) {
      const error = (e as Error).message;
      log.warn({ provider, err: error }, "transcription failed");
      // A failed call bills nothing: its row records the attempt at zero units, like a failed chat call.
      return { text: null, call: { provider, model, ok: false, error, promptTokens: 0, completionTokens: 0, latencyMs: performance.now() - started } };
    }
  };
}
