/**
 * The Ollama provider, speaking Ollama's own `/api/chat` (not its OpenAI shim) so tool calls and
 * token counts come back in the native shape.
 *
 * Invariants: every call is bound to the pool's AbortSignal — the SDK does not pass a signal on
 * non-streaming requests, so we hand it a fetch that adds ours, and build a client per call
 * (construction is a few object literals) rather than share one whose fetch would have to know
 * which call it is serving. Every failure leaves as an LlmCallError with the API key redacted.
 * This module imports the `ollama` SDK statically; the pool only ever `import()`s it on first use.
 */
import { type ChatResponse, type Message, Ollama, type Tool } from "ollama";
import { refusalIn } from "../net/outbound.ts";
import { abortKind, kindForStatus, LlmCallError, redact, retryAfterMs, statusReason } from "./errors.ts";
import type { ChatMessage, ChatRequest, ChatResult, LlmProvider, ModelLister, ProviderSettings, ToolCall } from "./types.ts";

export class OllamaProvider implements LlmProvider, ModelLister {
  readonly id: string;
  readonly #settings: ProviderSettings;

  constructor(settings: ProviderSettings) {
    this.id = settings.id;
    this.#settings = settings;
  }

  async chat(model: string, request: ChatRequest, signal: AbortSignal): Promise<Omit<ChatResult, "provider" | "model" | "latencyMs">> {
    const options = {
      ...(request.maxTokens !== undefined ? { num_predict: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    };
    const seen: Seen = {};
    try {
      const response: ChatResponse = await this.#client(signal, seen).chat({
        model,
        messages: request.messages.map((m, i, all) => toWire(m, all, i)),
        ...(request.tools?.length
          ? { tools: request.tools.map((t): Tool => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.parameters as Tool["function"]["parameters"] } })) }
          : {}),
        ...(Object.keys(options).length ? { options } : {}),
        stream: false,
      });
      return {
        content: response.message?.content ?? "",
        toolCalls: (response.message?.tool_calls ?? []).map(
          (c, n): ToolCall => ({ id: (c as { id?: string }).id || `call_${n}`, name: c.function.name, arguments: asObject(c.function.arguments) }),
        ),
        usage: { promptTokens: response.prompt_eval_count ?? 0, completionTokens: response.eval_count ?? 0 },
      };
    } catch (e) {
      throw this.#toCallError(e, signal, seen);
    }
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    const seen: Seen = {};
    try {
      return (await this.#client(signal, seen).list()).models.map((m) => m.name);
    } catch (e) {
      throw this.#toCallError(e, signal, seen);
    }
  }

  /** `seen` gets the response's Retry-After: the SDK's ResponseError keeps only status and body. */
  #client(signal: AbortSignal, seen: Seen): Ollama {
    const boundFetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const response = await (this.#settings.fetch ?? fetch)(input, { ...init, signal });
      seen.retryAfterMs = retryAfterMs(response.headers);
      return response;
    }) as typeof fetch;
    const { baseUrl, apiKey } = this.#settings;
    // Ollama itself needs no key; one set here is for a reverse proxy or ollama.com in front of it.
    return new Ollama({ host: baseUrl, fetch: boundFetch, ...(apiKey ? { headers: { Authorization: `Bearer ${apiKey}` } } : {}) });
  }

  #toCallError(e: unknown, signal: AbortSignal, seen: Seen): LlmCallError {
    if (e instanceof LlmCallError) return e;
    const say = (text: string) => redact(text, this.#settings.apiKey);
    if (signal.aborted) {
      const kind = abortKind(signal);
      return new LlmCallError(kind, say(kind === "timeout" ? "request timed out" : "request cancelled"));
    }
    const refused = refusalIn(e);
    if (refused) return new LlmCallError("client", refused.message);
    // The SDK does not export ResponseError; it is recognisable by name and its status_code.
    const status = (e as { status_code?: unknown }).status_code;
    if (e instanceof Error && e.name === "ResponseError" && typeof status === "number") {
      return new LlmCallError(kindForStatus(status), statusReason(status), status, seen.retryAfterMs);
    }
    // Anything else comes from fetch itself: refused, reset, DNS — the endpoint is unreachable.
    return new LlmCallError("network", say(`cannot reach the endpoint (${e instanceof Error ? e.message : String(e)})`));
  }
}

type Seen = { retryAfterMs?: number };

function toWire(m: ChatMessage, all: ChatMessage[], at: number): Message {
  if (m.role === "tool") return { role: "tool", content: m.content, tool_name: toolNameOf(m.toolCallId, all, at) };
  if (m.role === "assistant" && m.toolCalls?.length) {
    return { role: "assistant", content: m.content, tool_calls: m.toolCalls.map((c) => ({ function: { name: c.name, arguments: c.arguments } })) };
  }
  if (m.role === "user" && m.images?.length) return { role: "user", content: m.content, images: m.images.map((i) => i.base64) };
  return { role: m.role, content: m.content };
}

/** Ollama pairs tool results by tool name, not call id: find the call this result answers. */
function toolNameOf(callId: string | undefined, all: ChatMessage[], before: number): string | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const call = all[i]!.toolCalls?.find((c) => c.id === callId);
    if (call) return call.name;
  }
  return undefined;
}

function asObject(args: unknown): Record<string, unknown> {
  if (typeof args === "string") {
    try {
      args = JSON.parse(args);
    } catch {
      return {};
    }
  }
  return args !== null && typeof args === "object" && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
}
