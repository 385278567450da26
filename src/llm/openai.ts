/**
 * The OpenAI-compatible provider: OpenAI, OpenRouter, vLLM, LM Studio, Anthropic's compatibility
 * endpoint — anything speaking plain (non-streaming) `POST /chat/completions`.
 *
 * Invariants: the SDK never retries (`maxRetries: 0`) — the pool owns retries and fallback, and a
 * hidden SDK retry would double the latency before the pool can fall back. Every failure leaves as
 * an LlmCallError whose message has the API key redacted. This module imports the `openai` SDK
 * statically, so the pool must only ever `import()` it on first use.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, toFile } from "openai";
import { boundedBody } from "../bounded-read.ts";
import { refusalIn } from "../net/outbound.ts";
import { abortKind, kindForStatus, LlmCallError, redact, retryAfterMs, statusReason } from "./errors.ts";
import type { AudioInput, ChatMessage, ChatRequest, ChatResult, LlmProvider, ModelLister, ProviderSettings, Speaker, SpeechInput, ToolCall, Transcriber, Transcript } from "./types.ts";

type WireMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type WireToolCall = OpenAI.Chat.Completions.ChatCompletionMessageToolCall;

export class OpenAiProvider implements LlmProvider, ModelLister, Transcriber, Speaker {
  readonly id: string;
  readonly #client: OpenAI;
  readonly #apiKey: string;

  constructor(settings: ProviderSettings) {
    this.id = settings.id;
    this.#apiKey = settings.apiKey;
    this.#client = new OpenAI({
      baseURL: settings.baseUrl,
      // The SDK refuses to start without a key; local servers ignore whatever we send.
      apiKey: settings.apiKey || "unused",
      // Explicit nulls so OPENAI_ORG_ID / OPENAI_PROJECT_ID in the environment never leak into requests.
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: settings.timeoutMs,
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
    });
  }

  async chat(model: string, request: ChatRequest, signal: AbortSignal): Promise<Omit<ChatResult, "provider" | "model" | "latencyMs">> {
    try {
      // `post`, not `chat.completions.create`: create marks the body "stream from body", and the SDK
      // then serialises it with a replacer function called on every key — about 3× the plain
      // JSON.stringify (0.10 against 0.04 ms for a 100-turn window's 32 KB, in a probe), for a
      // `stream` flag this provider never sets. The request, auth and errors are the same.
      const body: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming = {
        model,
        messages: request.messages.map(toWire),
        ...(request.tools?.length
          ? { tools: request.tools.map((t) => ({ type: "function" as const, function: { name: t.name, description: t.description, parameters: t.parameters } })) }
          : {}),
        // `max_tokens`, not `max_completion_tokens`: it is the one every compatible server accepts.
        ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      };
      const completion = await this.#client.post<OpenAI.Chat.Completions.ChatCompletion>("/chat/completions", { body, signal });
      const message = completion.choices[0]?.message;
      return {
        content: message?.content ?? "",
        toolCalls: (message?.tool_calls ?? []).flatMap(fromWireToolCall),
        usage: { promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 },
      };
    } catch (e) {
      throw this.#toCallError(e, signal);
    }
  }

  /** Whisper-compatible `POST {base_url}/audio/transcriptions` (multipart: file, model); the text and its usage, if reported. */
  async transcribe(model: string, audio: AudioInput, signal: AbortSignal): Promise<Transcript> {
    try {
      const file = await toFile(audio.bytes, audio.name, { type: audio.mime });
      const out = await this.#client.audio.transcriptions.create({ file, model, response_format: "json" }, { signal });
      return { text: out.text ?? "", usage: transcriptUsage((out as { usage?: unknown }).usage) };
    } catch (e) {
      throw this.#toCallError(e, signal);
    }
  }

  /** `POST {base_url}/audio/speech` (JSON: model, input, voice, response_format); the audio read bounded. */
  async speak(model: string, input: SpeechInput, signal: AbortSignal): Promise<{ bytes: Uint8Array; mime: string }> {
    try {
      const res = await this.#client.audio.speech.create({ model, input: input.text, voice: input.voice, response_format: input.format }, { signal });
      const bytes = await readBoundedBody(res, input.maxBytes);
      if (!bytes.byteLength) throw new LlmCallError("server", "the speech endpoint returned no audio");
      return { bytes, mime: SPEECH_MIME[input.format] };
    } catch (e) {
      throw this.#toCallError(e, signal);
    }
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    try {
      const ids: string[] = [];
      for await (const m of this.#client.models.list({ signal })) ids.push(m.id);
      return ids;
    } catch (e) {
      throw this.#toCallError(e, signal);
    }
  }

  #toCallError(e: unknown, signal: AbortSignal): LlmCallError {
    if (e instanceof LlmCallError) return e;
    const say = (text: string) => redact(text, this.#apiKey);
    // Checked first: after an abort the SDK may surface a connection error rather than its abort error.
    if (signal.aborted || e instanceof APIUserAbortError) {
      const kind = abortKind(signal);
      return new LlmCallError(kind, say(kind === "timeout" ? "request timed out" : "request cancelled"));
    }
    const refused = refusalIn(e);
    if (refused) return new LlmCallError("client", refused.message);
    if (e instanceof APIConnectionTimeoutError) return new LlmCallError("timeout", say("request timed out"));
    if (e instanceof APIConnectionError) return new LlmCallError("network", say(`cannot reach the endpoint (${e.message})`));
    if (e instanceof APIError && typeof e.status === "number") {
      return new LlmCallError(kindForStatus(e.status), statusReason(e.status), e.status, retryAfterMs(e.headers));
    }
    return new LlmCallError("network", say(e instanceof Error ? e.message : String(e)));
  }
}

const SPEECH_MIME: Record<SpeechInput["format"], string> = { opus: "audio/ogg", mp3: "audio/mpeg", aac: "audio/aac" };

/** Reads a response body, stopping (and failing) past `max` bytes, whatever Content-Length claims. */
async function readBoundedBody(res: Response, max: number): Promise<Uint8Array> {
  const tooLarge = () => new LlmCallError("server", `the speech audio is larger than ${max} bytes`);
  if (Number(res.headers.get("content-length") ?? 0) > max) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!res.body) return new Uint8Array();
  return new Uint8Array(await new Response(boundedBody(res.body, max, tooLarge)).arrayBuffer());
}

function toWire(m: ChatMessage): WireMessage {
  switch (m.role) {
    case "system":
      return { role: "system", content: m.content };
    case "user":
      if (!m.images?.length) return { role: "user", content: m.content };
      // Images as data URLs: the appliance has no public place to serve them from, and providers accept these.
      return {
        role: "user",
        content: [
          { type: "text", text: m.content },
          ...m.images.map((i) => ({ type: "image_url" as const, image_url: { url: `data:${i.mime};base64,${i.base64}` } })),
        ],
      };
    case "tool":
      return { role: "tool", content: m.content, tool_call_id: m.toolCallId ?? "" };
    case "assistant":
      if (!m.toolCalls?.length) return { role: "assistant", content: m.content };
      return {
        role: "assistant",
        // Some servers reject "" next to tool_calls; null is what OpenAI itself sends back.
        content: m.content || null,
        tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: JSON.stringify(c.arguments) } })),
      };
  }
}

function fromWireToolCall(c: WireToolCall): ToolCall[] {
  if (c.type !== "function") return []; // custom (free-text) tools are never offered, so never expected
  return [{ id: c.id, name: c.function.name, arguments: parseArguments(c.function.arguments) }];
}

/** Models do emit broken JSON; an empty object lets the tool report a clear validation error. */
function parseArguments(raw: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw || "{}");
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** OpenAI's transcription `usage`, as prompt/completion units; anything else (or none) is unreported. */
function transcriptUsage(u: unknown): Transcript["usage"] {
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);
  if (!u || typeof u !== "object") return undefined;
  const r = u as Record<string, unknown>;
  const seconds = n(r.seconds);
  if (r.type === "duration" && seconds !== null) return { promptTokens: Math.ceil(seconds), completionTokens: 0 };
  const input = n(r.input_tokens);
  if (r.type === "tokens" && input !== null) return { promptTokens: input, completionTokens: n(r.output_tokens) ?? 0 };
  return undefined;
}
