/**
 * OllamaProvider against a real aimock over HTTP (`/api/chat`), plus one plain Bun.serve stand-in
 * for what aimock cannot script on Ollama's wire: token counts (it always reports 0) and the
 * `tool_name` on tool messages (its journal drops it when converting to OpenAI shape).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { Outbound } from "../net/outbound.ts";
import { loopbackOutbound } from "../../test/support/outbound.ts";
import { LlmCallError, statusReason } from "./errors.ts";
import { OllamaProvider } from "./ollama.ts";
import type { ChatRequest, ProviderSettings } from "./types.ts";

let llm: LlmMock;
beforeAll(async () => {
  llm = await startLlmMock();
});
afterAll(() => llm.stop());
beforeEach(() => llm.reset());

const KEY = "ollama-proxy-LEAKCHECK-24680";
const settings = (over: Partial<ProviderSettings> = {}): ProviderSettings => ({
  id: "ol",
  kind: "ollama",
  baseUrl: llm.ollamaUrl,
  apiKey: "",
  timeoutMs: 5000,
  maxConcurrency: 4,
  ...over,
});
const never = () => new AbortController().signal;
const ask: ChatRequest = { messages: [{ role: "user", content: "x" }] };
const weatherTool = { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } } } };

async function callError(p: Promise<unknown>): Promise<LlmCallError> {
  const e = await p.then(
    () => new Error("expected the call to fail"),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LlmCallError);
  return e as LlmCallError;
}

test("plain answer; options reach the wire as Ollama options", async () => {
  llm.on({ lastUser: "Hello" }, { text: "Hi from llama" });
  const request: ChatRequest = { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hello" }], maxTokens: 40, temperature: 0.1 };
  const out = await new OllamaProvider(settings()).chat("llama3", request, never());
  expect(out).toEqual({ content: "Hi from llama", toolCalls: [], usage: { promptTokens: 0, completionTokens: 0 } });
  const sent = llm.journal().at(-1)!;
  expect(sent).toMatchObject({ api: "ollama", path: "/api/chat", model: "llama3", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hello" }] });
  // aimock's journal holds the request converted to OpenAI shape: num_predict → max_tokens
  expect(llm.aimock.getLastRequest()?.body).toMatchObject({ max_tokens: 40, temperature: 0.1, stream: false });
});

test("tool call round trip: tool call → tool result → final answer", async () => {
  llm.on({ lastUser: "weather", hasToolResult: false }, { toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }] });
  llm.on({ lastUser: "weather", hasToolResult: true }, { text: "Sunny in Oslo." });
  const provider = new OllamaProvider(settings());
  const request: ChatRequest = { messages: [{ role: "user", content: "weather in Oslo?" }], tools: [weatherTool] };

  const first = await provider.chat("llama3", request, never());
  expect(first.toolCalls).toEqual([{ id: "call_0", name: "get_weather", arguments: { city: "Oslo" } }]);
  expect(llm.aimock.getLastRequest()?.body).toMatchObject({ tools: [{ type: "function", function: weatherTool }] });

  request.messages.push({ role: "assistant", content: "", toolCalls: first.toolCalls }, { role: "tool", content: "20C", toolCallId: "call_0" });
  const second = await provider.chat("llama3", request, never());
  expect(second.content).toBe("Sunny in Oslo.");
  expect(llm.journal().at(-1)!.messages.slice(1)).toMatchObject([
    { role: "assistant", tool_calls: [{ function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
    { role: "tool", content: "20C" },
  ]);
});

test("native wire details aimock cannot show: usage counts, tool_name, ids, key header", async () => {
  let seen: { body: { messages: { role: string; tool_name?: string }[] }; auth: string | null } | undefined;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      seen = { body: (await req.json()) as NonNullable<typeof seen>["body"], auth: req.headers.get("authorization") };
      const message = { role: "assistant", content: "", tool_calls: [{ id: "tc-9", function: { name: "lookup", arguments: { q: "a" } } }, { function: { name: "lookup", arguments: { q: "b" } } }] };
      return Response.json({ model: "m", created_at: new Date().toISOString(), message, done: true, prompt_eval_count: 42, eval_count: 7 });
    },
  });
  try {
    const provider = new OllamaProvider(settings({ baseUrl: `http://127.0.0.1:${server.port}`, apiKey: KEY }));
    const out = await provider.chat(
      "m",
      {
        messages: [
          { role: "user", content: "q" },
          { role: "assistant", content: "", toolCalls: [{ id: "x1", name: "search", arguments: {} }] },
          { role: "tool", content: "result", toolCallId: "x1" },
        ],
      },
      never(),
    );
    expect(out.usage).toEqual({ promptTokens: 42, completionTokens: 7 });
    expect(out.toolCalls.map((c) => c.id)).toEqual(["tc-9", "call_1"]);
    expect(seen?.body.messages[2]).toMatchObject({ role: "tool", tool_name: "search" });
    expect(seen?.auth).toBe(`Bearer ${KEY}`);
  } finally {
    await server.stop(true);
  }
});

test("an image goes as base64 in the message's images (aimock's journal drops them, so the wire is read here)", async () => {
  let sent: { messages: { role: string; content: string; images?: string[] }[] } | undefined;
  const capture = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    sent = JSON.parse(String(init?.body));
    return fetch(input, init);
  }) as typeof fetch;
  llm.on({ lastUser: "what is this" }, { text: "A cat." });
  const request: ChatRequest = { messages: [{ role: "user", content: "what is this?", images: [{ mime: "image/jpeg", base64: "/9j/4AAQ" }] }] };
  expect((await new OllamaProvider(settings({ fetch: capture })).chat("llava", request, never())).content).toBe("A cat.");
  expect(sent?.messages).toEqual([{ role: "user", content: "what is this?", images: ["/9j/4AAQ"] }]);
});

test("listModels reads /api/tags", async () => {
  const models = await new OllamaProvider(settings()).listModels(never());
  expect(Array.isArray(models)).toBe(true);
  expect(models.length).toBeGreaterThan(0);
});

describe("failures map to LlmCallError kinds", () => {
  test.each([
    [500, "server"],
    [404, "client"],
    [429, "rate_limited"],
  ] as const)("HTTP %d → %s", async (status, kind) => {
    llm.on({}, { status, message: "scripted failure", retryAfterSeconds: 4 });
    const e = await callError(new OllamaProvider(settings()).chat("m", ask, never()));
    expect(e).toMatchObject({ kind, status, message: statusReason(status) });
    expect(e.message).not.toContain("scripted failure"); // the remote body is never shown
    expect(e.retryAfterMs).toBe(status === 429 ? 4000 : undefined);
  });

  test("nothing listening → network", async () => {
    expect((await callError(new OllamaProvider(settings({ baseUrl: "http://127.0.0.1:1" })).chat("m", ask, never()))).kind).toBe("network");
  });

  test("aborted by the caller → cancelled; by a timeout signal → timeout", async () => {
    llm.on({}, { text: "late", delayMs: 300 });
    const provider = new OllamaProvider(settings());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    expect((await callError(provider.chat("m", ask, controller.signal))).kind).toBe("cancelled");
    expect((await callError(provider.chat("m", ask, AbortSignal.timeout(30)))).kind).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(250);
  });

  test("a 401 body echoing the key never reaches the message", async () => {
    llm.on({}, { status: 401, message: `bad token ${KEY}` });
    const e = await callError(new OllamaProvider(settings({ apiKey: KEY })).chat("m", ask, never()));
    expect(e.message).toBe(statusReason(401));
    expect(JSON.stringify(e) + e.stack).not.toContain(KEY);
  });
});

describe("behind the outbound guard (src/net/outbound.ts)", () => {
  test("a loopback base_url is refused before any request leaves, unless the platform allow-list names it", async () => {
    llm.on({}, { text: "reached" });
    const before = llm.journal().length;
    const e = await callError(new OllamaProvider(settings({ fetch: new Outbound().fetch })).chat("m", ask, never()));
    expect(e.kind).toBe("client");
    expect(e.message).toContain("loopback");
    expect(llm.journal().length).toBe(before);
    const ok = await new OllamaProvider(settings({ fetch: loopbackOutbound().fetch })).chat("m", ask, never());
    expect(ok.content).toBe("reached");
    expect(llm.journal().length).toBe(before + 1);
  });

  test("a public-looking name that resolves to a private address is refused", async () => {
    const port = new URL(llm.ollamaUrl).port;
    const resolver = async () => ["10.0.0.7"];
    const base = llm.ollamaUrl.replace(`127.0.0.1:${port}`, `llm.example.com:${port}`);
    const e = await callError(new OllamaProvider(settings({ baseUrl: base, fetch: new Outbound({ resolver }).fetch })).chat("m", ask, never()));
    expect(e.message).toContain("10.0.0.7, a private");
  });
});
