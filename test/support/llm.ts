/**
 * A scripted LLM endpoint for tests and benchmarks: a real aimock server on 127.0.0.1 (ephemeral
 * port) speaking OpenAI chat completions and Ollama `/api/chat`, driven by a deliberately small API.
 *
 *   const llm = await startLlmMock();                         // or startLlmMock({ apiKeys: ["sk-…"] })
 *   llm.replyAll("Hello!");                                     // every chat request: "Hello!"
 *   llm.on({ lastUser: "weather" }, { toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }] });
 *   llm.on({ hasToolResult: true }, { text: "It is sunny." });  // the round after a tool result
 *   llm.on({ toolResult: "HTTP 200" }, { text: "Fetched." });   // after a tool result containing this
 *   llm.on({ model: "primary" }, { status: 500 });              // HTTP error
 *   llm.on({ model: "busy" }, { status: 429, retryAfterSeconds: 2 });
 *   llm.on({ model: "slow" }, { text: "late", delayMs: 500 });  // hold the answer 500ms
 *   llm.journal();       // what aimock received, oldest first
 *   llm.peakInFlight();  // most requests held in a `delayMs` at the same moment
 *   await llm.reset();   // wait out delayed replies, then forget fixtures, journal and peak
 *   await llm.stop();
 *
 * Rules: the MOST RECENTLY registered matching fixture wins, so a test can override a default set
 * in beforeAll; all conditions of a `when` must hold; an unmatched request gets HTTP 404 "No fixture
 * matched". Point OpenAI-compatible clients at `url` (it includes /v1), Ollama clients at `ollamaUrl`.
 * Known aimock gaps: Ollama replies always report 0 tokens (fixture usage applies to OpenAI only);
 * aimock drops `tool_call_id` from Ollama tool messages, so match Ollama tool rounds on
 * `hasToolResult`, not call ids; `/api/show` and `/api/version` do not exist.
 */
import { type FixtureResponse, type JournalEntry, LLMock } from "@copilotkit/aimock";

export interface MockWhen {
  /** Substring of the last user message. */
  lastUser?: string;
  /** Exact model name as sent (without the pool's `provider_id/` prefix). */
  model?: string;
  /** true: the current turn already holds a tool result; false: it does not. */
  hasToolResult?: boolean;
  /** Substring of the last message when that message is a tool result (which round of a tool chain). */
  toolResult?: string;
}

export interface MockReply {
  text?: string;
  toolCalls?: { name: string; arguments?: Record<string, unknown>; id?: string }[];
  /** Answer with this HTTP error status (>= 400) instead of a completion. */
  status?: number;
  /** The error's message (with `status`). */
  message?: string;
  /** `Retry-After` header on a 429 (aimock sends 1 when unset). */
  retryAfterSeconds?: number;
  /**
   * Token counts to report (OpenAI only). As a function it sees the request's `max_tokens`, so a
   * test can play a provider that writes until that limit (as real ones do).
   */
  usage?: MockUsage | ((request: { maxTokens?: number }) => MockUsage);
  /** Hold the response this long before answering. */
  delayMs?: number;
}

export type MockUsage = { promptTokens: number; completionTokens: number };

export interface MockRequest {
  /** When aimock answered (ms since epoch) — after any delay. */
  at: number;
  api: "openai" | "ollama" | "other";
  path: string;
  status: number;
  model?: string;
  lastUser?: string;
  /** `max_tokens` as sent (OpenAI), when sent. */
  maxTokens?: number;
  /** Names of the tools the request offered (OpenAI shape). */
  tools: string[];
  /** The request's messages in OpenAI shape (aimock converts Ollama's). */
  messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
}

export interface LlmMock {
  url: string;
  ollamaUrl: string;
  on(when: MockWhen, reply: MockReply): LlmMock;
  replyAll(text: string): LlmMock;
  journal(): MockRequest[];
  peakInFlight(): number;
  /** Waits for delayed replies still pending (so they cannot land in the next test's journal), then clears. */
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** The aimock instance, for anything this API does not cover. */
  aimock: LLMock;
}

/** `apiKeys`: when given, requests must carry one of them (else HTTP 401) — proves a key is sent. */
export async function startLlmMock(options: { apiKeys?: string[] } = {}): Promise<LlmMock> {
  const auth = options.apiKeys ? { auth: { apiKeys: options.apiKeys } } : {};
  const aimock = new LLMock({ host: "127.0.0.1", port: 0, logLevel: "silent", journalMaxEntries: 0, ...auth });
  await aimock.start();
  const base = aimock.url.replace(/\/+$/, "");
  let inFlight = 0;
  let peak = 0;

  const respond = async (reply: MockReply, request: { max_tokens?: unknown }): Promise<FixtureResponse> => {
    if (reply.delayMs) {
      peak = Math.max(peak, ++inFlight);
      try {
        await Bun.sleep(reply.delayMs);
      } finally {
        inFlight--;
      }
    }
    const maxTokens = typeof request.max_tokens === "number" ? request.max_tokens : undefined;
    return toAimock(typeof reply.usage === "function" ? { ...reply, usage: reply.usage({ maxTokens }) } : (reply as MockReply & { usage?: MockUsage }));
  };

  const mock: LlmMock = {
    url: `${base}/v1`,
    ollamaUrl: base,
    aimock,
    on(when, reply) {
      const match = {
        endpoint: "chat" as const,
        ...(when.lastUser !== undefined ? { userMessage: when.lastUser } : {}),
        ...(when.model !== undefined ? { model: when.model } : {}),
        ...(when.hasToolResult !== undefined ? { hasToolResult: when.hasToolResult } : {}),
        ...(when.toolResult !== undefined ? { toolResultContains: when.toolResult } : {}),
      };
      aimock.prependFixture({ match, response: (req) => respond(reply, req as { max_tokens?: unknown }) });
      return mock;
    },
    replyAll: (text) => mock.on({}, { text }),
    journal: () => aimock.getRequests().map(toMockRequest),
    peakInFlight: () => peak,
    async reset() {
      while (inFlight > 0) await Bun.sleep(10);
      await Bun.sleep(5); // aimock journals a reply just after its factory resolves
      aimock.clearFixtures();
      aimock.clearRequests();
      aimock.resetMatchCounts();
      peak = 0;
    },
    stop: () => aimock.stop(),
  };
  return mock;
}

function toAimock(reply: MockReply & { usage?: MockUsage }): FixtureResponse {
  if (reply.status !== undefined && reply.status >= 400) {
    return {
      status: reply.status,
      error: { message: reply.message ?? `scripted HTTP ${reply.status}`, type: reply.status >= 500 ? "server_error" : "invalid_request_error" },
      ...(reply.retryAfterSeconds !== undefined ? { retryAfter: reply.retryAfterSeconds } : {}),
    };
  }
  const usage = reply.usage ? { usage: { prompt_tokens: reply.usage.promptTokens, completion_tokens: reply.usage.completionTokens } } : {};
  // aimock wants tool arguments as a JSON string.
  const toolCalls = reply.toolCalls?.map((c) => ({ name: c.name, arguments: JSON.stringify(c.arguments ?? {}), ...(c.id ? { id: c.id } : {}) }));
  if (toolCalls?.length) return { toolCalls, ...(reply.text ? { content: reply.text } : {}), ...usage };
  return { content: reply.text ?? "", ...usage };
}

function toMockRequest(e: JournalEntry): MockRequest {
  const body = (e.body ?? {}) as { model?: unknown; max_tokens?: unknown; messages?: MockRequest["messages"]; tools?: { function?: { name?: string } }[] };
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const lastUser = messages.findLast((m) => m.role === "user")?.content;
  return {
    at: e.timestamp,
    api: e.path.startsWith("/v1/") ? "openai" : e.path.startsWith("/api/") ? "ollama" : "other",
    path: e.path,
    status: e.response.status,
    ...(typeof body.model === "string" ? { model: body.model } : {}),
    ...(typeof lastUser === "string" ? { lastUser } : {}),
    ...(typeof body.max_tokens === "number" ? { maxTokens: body.max_tokens } : {}),
    tools: Array.isArray(body.tools) ? body.tools.map((t) => String(t.function?.name ?? "")) : [],
    messages,
  };
}
