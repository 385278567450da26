/**
 * The LLM pool's vocabulary, independent of any provider SDK. Providers translate to and from
 * these; the agent loop never sees an SDK type.
 */
export interface ToolCall {
  id: string;
  name: string;
  /** Parsed JSON arguments as the model produced them (an object; `{}` when unparseable). */
  arguments: Record<string, unknown>;
}

/** An image sent with a user message: its sniffed MIME type and bytes as base64 (bounded by media limits). */
export interface ImageInput {
  mime: string;
  base64: string;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  /** On user messages: images for a vision model (the pool sends them only to links flagged ` vision`). */
  images?: ImageInput[];
  /** On assistant messages that asked for tools. */
  toolCalls?: ToolCall[];
  /** On tool messages: which call this answers. */
  toolCallId?: string;
  /** The content's token estimate as stored with the turn (messages.tokens); absent: estimated when needed. Never sent. */
  tokens?: number;
}

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ToolSpec[];
  maxTokens?: number;
  temperature?: number;
}

/**
 * Asked before each link of a chain is called: the most that link may write (`maxTokens`, merged
 * into its request), or why it must not be called at all (`refused`, e.g. its price exceeds what the
 * budget has left). Links differ in price, so the answer is per link.
 */
export type LinkBound = (provider: string, model: string, request: ChatRequest) => { maxTokens?: number } | { refused: string };

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatResult {
  content: string;
  toolCalls: ToolCall[];
  usage: Usage;
  /** Which provider id and model actually answered (the chain may have fallen back). */
  provider: string;
  model: string;
  latencyMs: number;
}

/** One try of one link of a model chain, successful or not — each is recorded for usage and audit. */
export interface Attempt {
  provider: string;
  model: string;
  ok: boolean;
  error?: string;
  latencyMs: number;
}

/** A provider's single call; throws LlmCallError on failure. */
export interface LlmProvider {
  readonly id: string;
  chat(model: string, request: ChatRequest, signal: AbortSignal): Promise<Omit<ChatResult, "provider" | "model" | "latencyMs">>;
}

/** One configured endpoint; `kind` picks the wire protocol (OpenAI-compatible or Ollama's own). */
export interface ProviderSettings {
  id: string;
  kind: "openai" | "ollama";
  baseUrl: string;
  /** Empty when the endpoint needs none (local Ollama, vLLM, LM Studio). */
  apiKey: string;
  timeoutMs: number;
  maxConcurrency: number;
  /** The guarded fetch (src/net/outbound.ts) the pool hands every provider it builds; tests may omit it. */
  fetch?: typeof fetch;
}

/** Audio to send for transcription: bounded by media.max_audio_mb before it gets here. */
export interface AudioInput {
  bytes: Uint8Array;
  /** File name with an extension the endpoint recognises (it picks the decoder by it). */
  name: string;
  mime: string;
}

/**
 * What a transcription endpoint said, and what it reported using when it did: OpenAI's `usage` is
 * `{type: "duration", seconds}` for whisper-1 (seconds as prompt units) or `{type: "tokens", …}`
 * for the gpt-4o transcribe models; local servers usually report none.
 */
export interface Transcript {
  text: string;
  usage?: { promptTokens: number; completionTokens: number };
}

/** Speech to text through a Whisper-compatible `POST /audio/transcriptions` (OpenAI-compatible providers). */
export interface Transcriber {
  transcribe(model: string, audio: AudioInput, signal: AbortSignal): Promise<Transcript>;
}

/** Text to read aloud (config media.speech); the input is bounded by media.speech.max_chars before it gets here. */
export interface SpeechInput {
  text: string;
  voice: string;
  /** The endpoint's `response_format`: opus is what Telegram and WhatsApp play as a voice note. */
  format: "opus" | "mp3" | "aac";
  /** The audio is read no further than this; a longer answer is an error, not a truncated clip. */
  maxBytes: number;
}

/** Text to speech through an OpenAI-compatible `POST /audio/speech` (OpenAI-compatible providers). */
export interface Speaker {
  speak(model: string, input: SpeechInput, signal: AbortSignal): Promise<{ bytes: Uint8Array; mime: string }>;
}

/** What a provider can do beyond chat: list its models (for the admin UI's "test" button). */
export interface ModelLister {
  listModels(signal: AbortSignal): Promise<string[]>;
}
