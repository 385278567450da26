/**
 * OpenAiProvider against a real aimock over HTTP: request/response mapping (messages, tools, tool
 * calls, usage) and the mapping of every failure to an LlmCallError kind, key redacted.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { Outbound } from "../net/outbound.ts";
import { loopbackOutbound } from "../../test/support/outbound.ts";
import { LlmCallError, statusReason } from "./errors.ts";
import { OpenAiProvider } from "./openai.ts";
import type { ChatRequest, ProviderSettings } from "./types.ts";

let llm: LlmMock;
beforeAll(async () => {
  llm = await startLlmMock();
});
afterAll(() => llm.stop());
beforeEach(() => llm.reset());

const KEY = "sk-OPENAI-LEAKCHECK-9876543210";
const settings = (over: Partial<ProviderSettings> = {}): ProviderSettings => ({
  id: "oa",
  kind: "openai",
  baseUrl: llm.url,
  apiKey: KEY,
  timeoutMs: 5000,
  maxConcurrency: 4,
  ...over,
});
const never = () => new AbortController().signal;
const weatherTool = { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };
const lastBody = () => llm.aimock.getLastRequest()?.body as Record<string, unknown>;

async function callError(p: Promise<unknown>): Promise<LlmCallError> {
  const e = await p.then(
    () => new Error("expected the call to fail"),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LlmCallError);
  return e as LlmCallError;
}

test("plain answer with usage; options reach the wire", async () => {
  llm.on({ lastUser: "Hello" }, { text: "Hi there!", usage: { promptTokens: 7, completionTokens: 3 } });
  const request: ChatRequest = { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hello" }], maxTokens: 50, temperature: 0.2 };
  const out = await new OpenAiProvider(settings()).chat("gpt-test", request, never());
  expect(out).toEqual({ content: "Hi there!", toolCalls: [], usage: { promptTokens: 7, completionTokens: 3 } });
  expect(lastBody()).toMatchObject({ model: "gpt-test", max_tokens: 50, temperature: 0.2, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hello" }] });
  expect(lastBody().tools).toBeUndefined();
});

test("an image goes as an image_url content part with a data URL, after the text", async () => {
  llm.on({ lastUser: "what is this" }, { text: "A receipt." });
  const request: ChatRequest = { messages: [{ role: "user", content: "what is this?", images: [{ mime: "image/png", base64: "iVBORw0KGgo=" }] }] };
  expect((await new OpenAiProvider(settings()).chat("gpt-4o", request, never())).content).toBe("A receipt.");
  expect(lastBody().messages).toEqual([
    { role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
  ]);
});

test("the API key is sent (an endpoint that requires it answers)", async () => {
  // aimock's journal shows Authorization as "[REDACTED]", so delivery is proven by a key-checking mock.
  const guarded = await startLlmMock({ apiKeys: [KEY] });
  try {
    guarded.replyAll("authorised");
    const ask: ChatRequest = { messages: [{ role: "user", content: "x" }] };
    expect((await new OpenAiProvider(settings({ baseUrl: guarded.url })).chat("m", ask, never())).content).toBe("authorised");
    const e = await callError(new OpenAiProvider(settings({ baseUrl: guarded.url, apiKey: "sk-wrong-key" })).chat("m", ask, never()));
    expect(e).toMatchObject({ kind: "client", status: 401 });
  } finally {
    await guarded.stop();
  }
});

test("tool call round trip: tool call → tool result → final answer", async () => {
  llm.on({ lastUser: "weather", hasToolResult: false }, { toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" }, id: "call_abc" }] });
  llm.on({ lastUser: "weather", hasToolResult: true }, { text: "It is 20°C in Oslo." });
  const provider = new OpenAiProvider(settings());
  const request: ChatRequest = { messages: [{ role: "user", content: "weather in Oslo?" }], tools: [weatherTool] };

  const first = await provider.chat("gpt-test", request, never());
  expect(first.toolCalls).toEqual([{ id: "call_abc", name: "get_weather", arguments: { city: "Oslo" } }]);
  expect(lastBody().tools).toEqual([{ type: "function", function: weatherTool }]);

  request.messages.push({ role: "assistant", content: first.content, toolCalls: first.toolCalls }, { role: "tool", content: '{"temp":20}', toolCallId: "call_abc" });
  const second = await provider.chat("gpt-test", request, never());
  expect(second.content).toBe("It is 20°C in Oslo.");
  expect((lastBody().messages as unknown[]).slice(1)).toEqual([
    { role: "assistant", content: null, tool_calls: [{ id: "call_abc", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
    { role: "tool", content: '{"temp":20}', tool_call_id: "call_abc" },
  ]);
});

test("unparseable tool arguments become {}", async () => {
  llm.aimock.prependFixture({ match: { endpoint: "chat" }, response: { toolCalls: [{ name: "get_weather", arguments: "{city: Oslo" }] } });
  const out = await new OpenAiProvider(settings()).chat("gpt-test", { messages: [{ role: "user", content: "x" }] }, never());
  expect(out.toolCalls).toHaveLength(1);
  expect(out.toolCalls[0]).toMatchObject({ name: "get_weather", arguments: {} });
});

test("listModels reads /v1/models", async () => {
  llm.on({ model: "model-a" }, { text: "a" }).on({ model: "model-b" }, { text: "b" });
  expect((await new OpenAiProvider(settings()).listModels(never())).sort()).toEqual(["model-a", "model-b"]);
});

describe("failures map to LlmCallError kinds", () => {
  const ask: ChatRequest = { messages: [{ role: "user", content: "x" }] };

  test.each([
    [500, "server"],
    [503, "server"],
    [400, "client"],
    [404, "client"],
    [408, "timeout"],
    [429, "rate_limited"],
  ] as const)("HTTP %d → %s", async (status, kind) => {
    llm.on({}, { status, message: "scripted failure", retryAfterSeconds: 3 });
    const e = await callError(new OpenAiProvider(settings()).chat("m", ask, never()));
    expect(e).toMatchObject({ kind, status, message: statusReason(status) });
    expect(e.message).not.toContain("scripted failure"); // the remote body is never shown
    // aimock only sends Retry-After on 429
    expect(e.retryAfterMs).toBe(status === 429 ? 3000 : undefined);
  });

  test("nothing listening → network", async () => {
    const e = await callError(new OpenAiProvider(settings({ baseUrl: "http://127.0.0.1:1/v1" })).chat("m", ask, never()));
    expect(e.kind).toBe("network");
  });

  test("aborted by the caller → cancelled; by a timeout signal → timeout", async () => {
    llm.on({}, { text: "late", delayMs: 300 });
    const provider = new OpenAiProvider(settings());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    expect((await callError(provider.chat("m", ask, controller.signal))).kind).toBe("cancelled");
    expect((await callError(provider.chat("m", ask, AbortSignal.timeout(30)))).kind).toBe("timeout");
  });

  test("a 401 body echoing the key never reaches the message", async () => {
    llm.on({}, { status: 401, message: `Incorrect API key provided: ${KEY}.` });
    const e = await callError(new OpenAiProvider(settings()).chat("m", ask, never()));
    expect(e.message).toBe(statusReason(401));
    expect(JSON.stringify(e) + e.stack).not.toContain(KEY);
  });
});

const ask: ChatRequest = { messages: [{ role: "user", content: "x" }] };

describe("behind the outbound guard (src/net/outbound.ts)", () => {
  test("a loopback base_url is refused before any request leaves, unless the platform allow-list names it", async () => {
    llm.on({}, { text: "reached" });
    const before = llm.journal().length;
    const e = await callError(new OpenAiProvider(settings({ fetch: new Outbound().fetch })).chat("m", ask, never()));
    expect(e.kind).toBe("client");
    expect(e.message).toContain("loopback");
    expect(llm.journal().length).toBe(before);
    const ok = await new OpenAiProvider(settings({ fetch: loopbackOutbound().fetch })).chat("m", ask, never());
    expect(ok.content).toBe("reached");
    expect(llm.journal().length).toBe(before + 1);
  });

  test("a public-looking name that resolves to a private address is refused", async () => {
    const port = new URL(llm.url).port;
    const resolver = async () => ["10.0.0.7"];
    const base = llm.url.replace(`127.0.0.1:${port}`, `llm.example.com:${port}`);
    const e = await callError(new OpenAiProvider(settings({ baseUrl: base, fetch: new Outbound({ resolver }).fetch })).chat("m", ask, never()));
    expect(e.message).toContain("10.0.0.7, a private");
  });
});

describe("transcription (Whisper-compatible POST /audio/transcriptions)", () => {
  const audio = { bytes: Uint8Array.from([0x4f, 0x67, 0x67, 0x53, 1, 2, 3, 255]), name: "voice.ogg", mime: "audio/ogg" };

  test("multipart with the file's bytes, name and type, the model and the key; the text comes back", async () => {
    let seen: { path: string; auth: string | null; model: unknown; file: File | null } | undefined;
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(req) {
        const form = await req.formData();
        seen = { path: new URL(req.url).pathname, auth: req.headers.get("authorization"), model: form.get("model"), file: form.get("file") as File | null };
        return Response.json({ text: "hello from the recording" });
      },
    });
    try {
      const out = await new OpenAiProvider(settings({ baseUrl: `http://127.0.0.1:${server.port}/v1` })).transcribe("whisper-1", audio, never());
      // No usage reported (a local server): none claimed, the caller estimates it from the audio.
      expect(out).toEqual({ text: "hello from the recording", usage: undefined });
      expect(seen).toMatchObject({ path: "/v1/audio/transcriptions", auth: `Bearer ${KEY}`, model: "whisper-1" });
      expect(seen!.file!.name).toBe("voice.ogg");
      expect(seen!.file!.type).toStartWith("audio/ogg");
      expect(new Uint8Array(await seen!.file!.arrayBuffer())).toEqual(audio.bytes);
    } finally {
      await server.stop(true);
    }
  });

  test("against aimock's transcription endpoint; an error status maps like chat's, and the guard refuses loopback", async () => {
    llm.aimock.onTranscription({ transcription: { text: "scripted words" } });
    expect(await new OpenAiProvider(settings()).transcribe("whisper-1", audio, never())).toEqual({ text: "scripted words", usage: undefined });
    expect(llm.journal().at(-1)).toMatchObject({ path: "/v1/audio/transcriptions", status: 200 });
    await llm.reset();
    llm.aimock.onTranscription({ status: 503, error: { message: `bad key ${KEY}`, type: "server_error" } } as never);
    const e = await callError(new OpenAiProvider(settings()).transcribe("whisper-1", audio, never()));
    expect(e).toMatchObject({ kind: "server", status: 503 });
    expect(e.message).not.toContain(KEY);
    const refused = await callError(new OpenAiProvider(settings({ fetch: new Outbound().fetch })).transcribe("whisper-1", audio, never()));
    expect(refused.message).toContain("loopback");
  });

  test("the endpoint's usage is what the call used: seconds (whisper-1) or tokens (gpt-4o transcribe models)", async () => {
    await llm.reset();
    llm.aimock.onTranscription({ transcription: { text: "a", usage: { type: "duration", seconds: 4.2 } } } as never);
    expect(await new OpenAiProvider(settings()).transcribe("whisper-1", audio, never())).toEqual({ text: "a", usage: { promptTokens: 5, completionTokens: 0 } });
    await llm.reset();
    llm.aimock.onTranscription({ transcription: { text: "b", usage: { type: "tokens", input_tokens: 31, output_tokens: 9, total_tokens: 40 } } } as never);
    expect(await new OpenAiProvider(settings()).transcribe("gpt-4o-transcribe", audio, never())).toEqual({ text: "b", usage: { promptTokens: 31, completionTokens: 9 } });
  });
});
