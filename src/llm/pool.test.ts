/**
 * The pool against a real aimock over HTTP: fallback on every kind of link failure, the caller's
 * abort ending the walk, per-provider concurrency, lazy provider loading, and no key in any error.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { parseChainEntry, seesImages } from "./chain.ts";
import { LlmChainError } from "./errors.ts";
import { LlmPool, loadProvider, type ProviderFactory, splitChainEntry, tenantProviderKey } from "./pool.ts";
import type { ChatRequest, LinkBound, ProviderSettings } from "./types.ts";

let llm: LlmMock;
beforeAll(async () => {
  llm = await startLlmMock();
});
afterAll(() => llm.stop());
beforeEach(() => llm.reset());

const KEY = "sk-LEAKCHECK-0123456789abcdef";
const ask = (text: string): ChatRequest => ({ messages: [{ role: "user", content: text }] });

function provider(id: string, over: Partial<ProviderSettings> = {}): ProviderSettings {
  const kind = over.kind ?? "openai";
  return { id, kind, baseUrl: kind === "openai" ? llm.url : llm.ollamaUrl, apiKey: KEY, timeoutMs: 5000, maxConcurrency: 4, ...over };
}

const requestsFor = (model: string) => llm.journal().filter((r) => r.model === model);

async function chainError(p: Promise<unknown>): Promise<LlmChainError> {
  const e = await p.then(
    () => new Error("expected the chain to fail"),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LlmChainError);
  return e as LlmChainError;
}

describe("chain entries", () => {
  test("the provider id is up to the first slash; the model keeps its own slashes", async () => {
    expect(splitChainEntry("openrouter/meta-llama/llama-3-8b")).toEqual({ provider: "openrouter", model: "meta-llama/llama-3-8b" });
    llm.replyAll("routed");
    const pool = new LlmPool([provider("openrouter")]);
    const r = await pool.chat(["openrouter/meta-llama/llama-3-8b"], ask("hi"));
    expect(r).toMatchObject({ content: "routed", provider: "openrouter", model: "meta-llama/llama-3-8b" });
    expect(requestsFor("meta-llama/llama-3-8b")).toHaveLength(1);
  });
});

describe("images (vision links)", () => {
  const withImage: ChatRequest = { messages: [{ role: "user", content: "what is this?", images: [{ mime: "image/png", base64: "iVBORw0KGgo=" }] }] };

  test("a ` vision` flag is not part of the model name", () => {
    expect(parseChainEntry("a/gpt-4o vision")).toEqual({ provider: "a", model: "gpt-4o", vision: true });
    expect(parseChainEntry("a/llava:7b")).toEqual({ provider: "a", model: "llava:7b", vision: false });
    expect(splitChainEntry("a/gpt-4o vision")).toEqual({ provider: "a", model: "gpt-4o" });
    expect(seesImages(["a/text", "a/eyes vision"])).toBe(true);
    expect(seesImages(["a/text"])).toBe(false);
  });

  test("a request with an image walks only the vision links, each asked under its own model name", async () => {
    llm.replyAll("seen").on({ model: "eyes" }, { status: 500 });
    const r = await new LlmPool([provider("a")]).chat(["a/text", "a/eyes vision", "a/blind", "a/eyes2 vision"], withImage);
    expect(r.model).toBe("eyes2");
    expect(llm.journal().map((j) => j.model)).toEqual(["eyes", "eyes2"]);
  });

  test("a request without an image walks the whole chain, vision links included", async () => {
    llm.replyAll("ok").on({ model: "text" }, { status: 500 });
    const r = await new LlmPool([provider("a")]).chat(["a/text", "a/eyes vision"], ask("hi"));
    expect(r.model).toBe("eyes");
  });

  test("no vision link: the chain fails plainly and no model is called", async () => {
    llm.replyAll("should not be asked");
    const e = await chainError(new LlmPool([provider("a")]).chat(["a/text", "a/blind"], withImage));
    expect(e.message).toBe("no model in this chain can see images");
    expect(e.attempts).toEqual([]);
    expect(llm.journal()).toHaveLength(0);
  });
});

describe("transcription", () => {
  test("goes to the named provider; a provider that cannot transcribe (Ollama) is a plain client error", async () => {
    llm.aimock.onTranscription({ transcription: { text: "spoken" } });
    const pool = new LlmPool([provider("a"), provider("ol", { kind: "ollama" })]);
    const audio = { bytes: Uint8Array.of(1, 2, 3), name: "v.ogg", mime: "audio/ogg" };
    expect((await pool.transcribe("a", "whisper-1", audio)).text).toBe("spoken");
    await expect(pool.transcribe("ol", "whisper-1", audio)).rejects.toThrow("provider 'ol' cannot transcribe audio");
    await expect(pool.transcribe("nope", "whisper-1", audio)).rejects.toThrow("unknown provider 'nope'");
  });
});

describe("per-link bound (budgets)", () => {
  test("each link gets its own max_tokens; a refused link is skipped without an attempt", async () => {
    llm.replyAll("ok").on({ model: "primary" }, { status: 500 });
    const bound: LinkBound = (_p, model) => (model === "dear" ? { refused: "too dear" } : { maxTokens: model === "primary" ? 40 : 7 });
    const r = await new LlmPool([provider("a")]).chat(["a/dear", "a/primary", "a/cheap"], ask("hi"), { bound });
    expect(r.model).toBe("cheap");
    expect(r.attempts.map((a) => a.model)).toEqual(["primary", "cheap"]);
    expect(llm.journal().map((j) => [j.model, j.maxTokens])).toEqual([
      ["primary", 40],
      ["cheap", 7],
    ]);
  });

  test("a chain that ends with refusals fails as kind budget, naming the first reason", async () => {
    llm.replyAll("ok").on({ model: "primary" }, { status: 500 });
    const e = await chainError(new LlmPool([provider("a")]).chat(["a/primary", "a/dear"], ask("hi"), { bound: (_p, m) => (m === "dear" ? { refused: "daily budget spent" } : { maxTokens: 100 }) }));
    expect(e.kind).toBe("budget");
    expect(e.message).toBe("daily budget spent");
    expect(e.attempts.map((a) => [a.model, a.ok])).toEqual([["primary", false]]);
  });
});

describe("fallback", () => {
  test("primary 500 → secondary (another kind) answers; attempts [failed, ok]", async () => {
    llm.replyAll("from the secondary").on({ model: "primary" }, { status: 500 });
    const pool = new LlmPool([provider("a"), provider("b", { kind: "ollama" })]);
    const r = await pool.chat(["a/primary", "b/secondary"], ask("hi"));
    expect(r).toMatchObject({ content: "from the secondary", provider: "b", model: "secondary" });
    expect(r.attempts.map((a) => [a.provider, a.model, a.ok])).toEqual([
      ["a", "primary", false],
      ["b", "secondary", true],
    ]);
    expect(r.attempts[0]!.error).toStartWith("server HTTP 500");
    expect(r.latencyMs).toBe(r.attempts[1]!.latencyMs);
  });

  test("429 falls back and the attempt carries Retry-After", async () => {
    llm.replyAll("ok").on({ model: "busy" }, { status: 429, retryAfterSeconds: 2 });
    const r = await new LlmPool([provider("a")]).chat(["a/busy", "a/spare"], ask("hi"));
    expect(r.model).toBe("spare");
    expect(r.attempts[0]!.error).toStartWith("rate_limited HTTP 429, retry after 2000ms");
  });

  test("a 4xx (unknown model) on the primary still falls back", async () => {
    llm.replyAll("ok").on({ model: "typo" }, { status: 404, message: "model 'typo' not found" });
    const r = await new LlmPool([provider("a")]).chat(["a/typo", "a/good"], ask("hi"));
    expect(r.model).toBe("good");
    expect(r.attempts[0]!.error).toContain("client HTTP 404");
  });

  test("a call slower than the provider's timeoutMs falls back, and the attempt says timeout", async () => {
    llm.replyAll("fast answer").on({ model: "slow" }, { text: "too late", delayMs: 800 });
    const pool = new LlmPool([provider("slowp", { timeoutMs: 150 }), provider("b")]);
    const started = performance.now();
    const r = await pool.chat(["slowp/slow", "b/fast"], ask("hi"));
    expect(r).toMatchObject({ content: "fast answer", provider: "b" });
    expect(r.attempts[0]!.error).toStartWith("timeout");
    expect(r.attempts[0]!.latencyMs).toBeLessThan(700);
    expect(performance.now() - started).toBeLessThan(700);
    await Bun.sleep(800); // let aimock finish the abandoned request before the next test
  });

  test("an unknown provider id is a failed attempt, not a crash", async () => {
    llm.replyAll("ok");
    const r = await new LlmPool([provider("b")]).chat(["ghost/m", "b/m"], ask("hi"));
    expect(r.attempts[0]).toMatchObject({ provider: "ghost", model: "m", ok: false, error: "client: unknown provider 'ghost'" });
    expect(r.provider).toBe("b");
  });

  test("every link failing → LlmChainError carrying all attempts", async () => {
    llm.on({}, { status: 503, message: "overloaded" });
    const pool = new LlmPool([provider("a"), provider("down", { baseUrl: "http://127.0.0.1:1/v1" })]);
    const e = await chainError(pool.chat(["a/one", "ghost/two", "down/three", "a/"], ask("hi")));
    expect(e.kind).toBe("exhausted");
    expect(e.attempts.map((a) => [a.provider, a.model, a.ok])).toEqual([
      ["a", "one", false],
      ["ghost", "two", false],
      ["down", "three", false], // not the last link: falls back at once, no retry
      ["a", "", false],
    ]);
    expect(e.attempts[2]!.error).toStartWith("network");
    expect(e.message).toContain("a/one: server HTTP 503: server error at the endpoint");
    expect(e.message).toContain("ghost/two: client: unknown provider 'ghost'");
    expect(await chainError(pool.chat([], ask("hi")))).toMatchObject({ kind: "exhausted", attempts: [] });
  });
});

describe("network blips on the last link", () => {
  /** In front of the mock: drops the first `drops` connections unanswered, then passes bytes through. */
  async function flaky(drops: number) {
    const { createServer, connect } = await import("node:net");
    const target = new URL(llm.url);
    let seen = 0;
    const server = createServer((socket) => {
      if (seen++ < drops) return void socket.destroy();
      const upstream = connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      const close = () => (socket.destroy(), upstream.destroy());
      socket.on("error", close).on("close", close);
      upstream.on("error", close).on("close", close);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}${target.pathname}`, connections: () => seen, close: () => server.close() };
  }

  test("two dropped connections, then an answer: the user gets it; every try is an attempt", async () => {
    llm.on({}, { text: "made it" });
    const proxy = await flaky(2);
    try {
      const r = await new LlmPool([provider("f", { baseUrl: proxy.url })]).chat(["f/m"], ask("hi"));
      expect(r.content).toBe("made it");
      expect(r.attempts.map((a) => [a.ok, a.error?.split(":")[0]])).toEqual([[false, "network"], [false, "network"], [true, undefined]]);
      expect(proxy.connections()).toBe(3);
    } finally {
      proxy.close();
    }
  });

  test("three dropped connections: the chain fails after three tries, not more", async () => {
    const proxy = await flaky(100);
    try {
      const e = await chainError(new LlmPool([provider("f", { baseUrl: proxy.url })]).chat(["f/m"], ask("hi")));
      expect(e.attempts.map((a) => a.error?.split(":")[0])).toEqual(["network", "network", "network"]);
      expect(proxy.connections()).toBe(3);
    } finally {
      proxy.close();
    }
  });

  test("an HTTP error is the provider's answer: not retried", async () => {
    llm.on({}, { status: 503, message: "overloaded" });
    const e = await chainError(new LlmPool([provider("a")]).chat(["a/m"], ask("hi")));
    expect(e.attempts).toHaveLength(1);
    expect(requestsFor("m")).toHaveLength(1);
  });

  test("the caller's abort during the wait ends the walk at once", async () => {
    const proxy = await flaky(100);
    try {
      const started = Date.now();
      const e = await chainError(new LlmPool([provider("f", { baseUrl: proxy.url })]).chat(["f/m"], ask("hi"), { signal: AbortSignal.timeout(100) }));
      expect(e.kind).toBe("cancelled");
      expect(Date.now() - started).toBeLessThan(600);
    } finally {
      proxy.close();
    }
  });
});

describe("caller abort", () => {
  test("aborting mid-call stops the walk: no later link is called", async () => {
    llm.on({ model: "slow" }, { text: "late", delayMs: 400 }).on({ model: "next" }, { text: "should not be asked" });
    const pool = new LlmPool([provider("a")]);
    const started = performance.now();
    const e = await chainError(pool.chat(["a/slow", "a/next"], ask("hi"), { signal: AbortSignal.timeout(50) }));
    expect(performance.now() - started).toBeLessThan(350);
    expect(e.kind).toBe("cancelled");
    expect(e.attempts).toHaveLength(1);
    expect(e.attempts[0]!.error).toStartWith("cancelled");
    await Bun.sleep(450);
    expect(requestsFor("slow")).toHaveLength(1);
    expect(requestsFor("next")).toHaveLength(0);
  });

  test("an already-aborted signal sends nothing", async () => {
    llm.replyAll("never");
    const e = await chainError(new LlmPool([provider("a")]).chat(["a/m"], ask("hi"), { signal: AbortSignal.abort() }));
    expect(e).toMatchObject({ kind: "cancelled", attempts: [] });
    expect(llm.journal()).toHaveLength(0);
  });

  test("a caller waiting for a slot can leave the queue; its request is never sent", async () => {
    llm.on({}, { text: "slow", delayMs: 300 });
    const pool = new LlmPool([provider("a", { maxConcurrency: 1 })]);
    const first = pool.chat(["a/m"], ask("first"));
    const e = await chainError(pool.chat(["a/m", "a/other"], ask("second"), { signal: AbortSignal.timeout(50) }));
    expect(e.attempts[0]!.error).toBe("cancelled: cancelled while waiting for a free slot");
    expect((await first).content).toBe("slow");
    expect(llm.journal().map((r) => r.lastUser)).toEqual(["first"]);
  });
});

describe("concurrency", () => {
  test("maxConcurrency 2: five parallel calls never have more than two in flight", async () => {
    llm.on({}, { text: "done", delayMs: 150 });
    const pool = new LlmPool([provider("a", { maxConcurrency: 2 })]);
    const started = performance.now();
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => pool.chat(["a/m"], ask(`call ${n}`))));
    expect(results.every((r) => r.content === "done")).toBe(true);
    expect(llm.peakInFlight()).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 150 - 20); // three waves
    expect(llm.journal().map((r) => r.lastUser)).toEqual(["call 1", "call 2", "call 3", "call 4", "call 5"]); // FIFO
  });

  test("control: with maxConcurrency 5 the same burst is all in flight at once", async () => {
    llm.on({}, { text: "done", delayMs: 150 });
    const pool = new LlmPool([provider("a", { maxConcurrency: 5 })]);
    await Promise.all([1, 2, 3, 4, 5].map((n) => pool.chat(["a/m"], ask(`call ${n}`))));
    expect(llm.peakInFlight()).toBe(5);
  });
});

describe("providers", () => {
  test("built lazily: nothing at construction, once per provider, never for an unused one", async () => {
    llm.replyAll("ok");
    const built: string[] = [];
    const factory: ProviderFactory = (s) => {
      built.push(s.id);
      return loadProvider(s);
    };
    const pool = new LlmPool([provider("a"), provider("b", { kind: "ollama" })], { createProvider: factory });
    expect(built).toEqual([]);
    await Promise.all([pool.chat(["a/m"], ask("1")), pool.chat(["a/m"], ask("2"))]);
    await pool.chat(["a/m"], ask("3"));
    expect(built).toEqual(["a"]);
    expect(pool.providers()).toEqual(["a", "b"]);
  });

  test("a key replaced while a call waits for its slot: that call and every later one use the new key", async () => {
    llm.replyAll("ok");
    const keys: string[] = [];
    const factory: ProviderFactory = (s) => (keys.push(s.apiKey), loadProvider(s));
    let opened!: () => void;
    const slotFree = new Promise<void>((r) => (opened = r));
    // A cluster gate (Redis) answers after a round trip: the edit lands while the call waits.
    const gate = () => ({ inUse: 0, waiting: 0, acquire: async () => (await slotFree, () => {}) });
    const pool = new LlmPool([provider("a", { apiKey: "sk-old" })], { createProvider: factory, gate });
    const waiting = pool.chat(["a/m"], ask("waiting"));
    pool.set(provider("a", { apiKey: "sk-new" }), false);
    opened();
    await waiting;
    await pool.chat(["a/m"], ask("later"));
    expect(keys).toEqual(["sk-new"]);
  });

  test("an SDK is loaded only when a provider of its kind is first used (fresh process)", async () => {
    const script = `
      const { LlmPool } = await import(${JSON.stringify(`${import.meta.dir}/pool.ts`)});
      const sdks = () => [...new Set(Object.keys(require.cache).flatMap((k) => k.match(/node_modules\\/(openai|ollama)\\//)?.[1] ?? []))];
      const pool = new LlmPool([
        { id: "o", kind: "ollama", baseUrl: "http://127.0.0.1:1", apiKey: "", timeoutMs: 2000, maxConcurrency: 1 },
        { id: "a", kind: "openai", baseUrl: "http://127.0.0.1:1/v1", apiKey: "", timeoutMs: 2000, maxConcurrency: 1 },
      ]);
      const atStart = sdks();
      await pool.chat(["o/m"], { messages: [{ role: "user", content: "x" }] }).catch(() => {});
      console.log(JSON.stringify({ atStart, afterOllama: sdks() }));`;
    const proc = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    expect(err).toBe("");
    expect(JSON.parse(out)).toEqual({ atStart: [], afterOllama: ["ollama"] });
  });

  test("test(): lists models, or makes a tiny real call", async () => {
    llm.replyAll("OK").on({ model: "listed-model" }, { text: "OK" });
    const pool = new LlmPool([provider("a"), provider("o", { kind: "ollama" })]);
    expect(await pool.test("a")).toMatchObject({ ok: true, models: ["listed-model"] });
    expect(await pool.test("o", "llama3")).toMatchObject({ ok: true, detail: 'llama3 answered: "OK"' });
    llm.on({}, { status: 401, message: "bad key" });
    expect(await pool.test("a", "m")).toMatchObject({ ok: false, error: "client HTTP 401: the endpoint refused the credentials (check the API key)" });
    expect(await pool.test("ghost")).toMatchObject({ ok: false, error: "client: unknown provider 'ghost'" });
  });
});

test("the API key never appears in an error, even when the endpoint echoes it", async () => {
  llm.on({}, { status: 401, message: `Incorrect API key provided: ${KEY}` }).on({ model: "slow" }, { text: "late", delayMs: 300 });
  const pool = new LlmPool([
    provider("oa"),
    provider("ol", { kind: "ollama" }),
    provider("t", { timeoutMs: 50 }),
    provider("down", { baseUrl: `http://127.0.0.1:1/${KEY}/v1` }),
  ]);
  const e = await chainError(pool.chat(["oa/m", "ol/m", "t/slow", "down/m"], ask("hi")));
  // The last link's network failure is tried twice more (pool.ts NETWORK_RETRY_MS).
  expect(e.attempts.map((a) => a.error?.split(":")[0])).toEqual(["client HTTP 401", "client HTTP 401", "timeout", "network", "network", "network"]);
  expect(e.attempts[0]!.error).not.toContain("Incorrect API key"); // status and our reason only
  for (const text of [e.message, JSON.stringify(e), String(e.stack), ...e.attempts.map((a) => a.error)]) expect(text).not.toContain(KEY);
  await Bun.sleep(300);
});

describe("tenant providers (BYO keys)", () => {
  test("a tenant's own provider shadows the platform's id for that tenant only; set/remove apply live", async () => {
    const keyed = await startLlmMock({ apiKeys: ["sk-platform", "sk-tenant-a"] });
    try {
      keyed.replyAll("ok");
      const pool = new LlmPool([{ ...provider("shared"), baseUrl: keyed.url, apiKey: "sk-platform" }]);
      // Tenant A's own "shared" carries a key the peer refuses: A's calls must use it, B's must not.
      pool.set({ ...provider(tenantProviderKey("tenant-a", "shared")), baseUrl: keyed.url, apiKey: "sk-revoked" });
      pool.set({ ...provider(tenantProviderKey("tenant-a", "own")), baseUrl: keyed.url, apiKey: "sk-tenant-a" });
      expect((await chainError(pool.chat(["shared/m"], ask("a"), { tenantId: "tenant-a" }))).attempts[0]!.ok).toBe(false);
      expect((await pool.chat(["shared/m"], ask("b"), { tenantId: "tenant-b" })).content).toBe("ok");
      expect((await pool.chat(["own/m"], ask("c"), { tenantId: "tenant-a" })).content).toBe("ok");
      // Tenant B cannot reach tenant A's own provider by naming it.
      expect((await chainError(pool.chat(["own/m"], ask("d"), { tenantId: "tenant-b" }))).attempts[0]!.error).toContain("unknown provider 'own'");
      // After remove() A falls back to the platform's "shared".
      pool.remove(tenantProviderKey("tenant-a", "shared"));
      expect((await pool.chat(["shared/m"], ask("e"), { tenantId: "tenant-a" })).content).toBe("ok");
    } finally {
      await keyed.stop();
    }
  });
});
