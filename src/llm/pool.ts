/**
 * The LLM pool: walks a model chain (`provider_id/model`, first is primary) until one link answers.
 *
 * Invariants:
 * - Every link tried is recorded as an Attempt, failed or not, and the attempts travel with the
 *   result or with the LlmChainError, so the caller can bill and audit what was really spent.
 * - Any failure of a link falls back to the next one — except the caller's own abort, which stops
 *   the walk at once: nobody is waiting for an answer any more. The last link is tried twice more
 *   after a network failure (never after an HTTP error: a 5xx or 429 is the provider's answer).
 * - Each call has its provider's `timeoutMs`, enforced here with an AbortSignal (and a race, so a
 *   provider that ignores its signal still cannot hold the chain past its timeout).
 * - At most `maxConcurrency` calls per provider are in flight; the rest wait in a FIFO queue that
 *   the caller's abort can leave. Queue time counts in the link's latency: it is what users wait.
 * - A caller's `bound` is asked before each link: a link it refuses is not called (no attempt, no
 *   cost) and the walk goes on; a chain that ends with refusals throws LlmChainError kind `budget`.
 * - Provider SDKs are `import()`ed on first use of their kind: the appliance's idle memory budget
 *   is tight and most installs only ever use one kind.
 * - A request carrying images walks only the links flagged ` vision` (chain.ts): a model that cannot
 *   see would answer about a picture it never got. With none, the chain fails without a call.
 */
import { parseChainEntry } from "./chain.ts";
import { LlmCallError, LlmChainError } from "./errors.ts";
import type { Gate } from "./cluster-semaphore.ts";
import { Semaphore } from "../semaphore.ts";
import type { Attempt, AudioInput, ChatRequest, ChatResult, LinkBound, LlmProvider, ModelLister, ProviderSettings, Speaker, SpeechInput, Transcriber, Transcript, Usage } from "./types.ts";

/** Waits before the last link's retries after a network failure (each with ±25% jitter). */
const NETWORK_RETRY_MS = [200, 800];

/** Resolves after about `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms * (0.75 + Math.random() / 2));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** One link's outcome, for /metrics: `ok`, a failure kind (errors.ts), or `refused` (the budget bound). */
export interface LinkOutcome {
  provider: string;
  model: string;
  outcome: string;
  latencyMs: number;
  usage?: Usage;
}

export type PoolProvider = LlmProvider & Partial<ModelLister> & Partial<Transcriber> & Partial<Speaker>;
export type ProviderFactory = (settings: ProviderSettings) => Promise<PoolProvider>;
export type ProviderTestResult = { ok: true; latencyMs: number; detail: string; models?: string[] } | { ok: false; latencyMs: number; error: string };

/** The real providers, each SDK loaded only when a provider of that kind is first used. */
export const loadProvider: ProviderFactory = async (settings) => {
  if (settings.kind === "openai") return new (await import("./openai.ts")).OpenAiProvider(settings);
  return new (await import("./ollama.ts")).OllamaProvider(settings);
};

/** `openrouter/meta-llama/llama-3-8b` → provider `openrouter`, model `meta-llama/llama-3-8b` (a ` vision` flag dropped). */
export function splitChainEntry(entry: string): { provider: string; model: string } {
  const { provider, model } = parseChainEntry(entry);
  return { provider, model };
}

/** A tenant's own (BYO key) provider's id in the pool. */
export const tenantProviderKey = (tenantId: string, id: string): string => `${tenantId}:${id}`;

export class LlmPool {
  readonly #settings = new Map<string, ProviderSettings>();
  readonly #gates = new Map<string, Gate>();
  readonly #gate: (id: string, size: number) => Gate;
  readonly #instances = new Map<string, Promise<PoolProvider>>();
  readonly #createProvider: ProviderFactory;

  readonly #fetch: typeof fetch | undefined;
  readonly #edited: ((key: string) => void) | undefined;
  readonly #observe: ((o: LinkOutcome) => void) | undefined;

  /**
   * `fetch`: the composition root passes the SSRF-guarded one (src/net/outbound.ts) for every provider.
   * `edited`: told the pool key of every set/remove made here (the gateway tells the other replicas).
   * `observe`: told every link's outcome of a chat (/metrics).
   * `gate`: a provider's concurrency gate (default: this process's; cluster-semaphore.ts with Redis).
   */
  constructor(
    settings: ProviderSettings[],
    options: { createProvider?: ProviderFactory; fetch?: typeof fetch; edited?: (key: string) => void; observe?: (o: LinkOutcome) => void; gate?: (id: string, size: number) => Gate } = {},
  ) {
    this.#gate = options.gate ?? ((_, size) => new Semaphore(size));
    this.#fetch = options.fetch;
    this.#edited = options.edited;
    this.#observe = options.observe;
    for (const s of settings) {
      this.#settings.set(s.id, s);
      this.#gates.set(s.id, this.#gate(s.id, s.maxConcurrency));
    }
    this.#createProvider = options.createProvider ?? loadProvider;
  }

  providers(): string[] {
    return [...this.#settings.keys()];
  }

  /**
   * Adds or replaces a provider while running (admin console); calls in flight keep their client.
   * `announce` false: an edit another replica made and announced already.
   */
  set(settings: ProviderSettings, announce = true): void {
    const had = this.#settings.get(settings.id);
    this.#settings.set(settings.id, settings);
    if (!had || had.maxConcurrency !== settings.maxConcurrency) this.#gates.set(settings.id, this.#gate(settings.id, settings.maxConcurrency));
    this.#instances.delete(settings.id);
    if (announce) this.#edited?.(settings.id);
  }

  remove(id: string, announce = true): void {
    this.#settings.delete(id);
    this.#instances.delete(id);
    if (announce) this.#edited?.(id);
  }

  /** `tenantId`: a chain entry names that tenant's own provider (tenantProviderKey) before the platform's of the same id. */
  async chat(chain: string[], request: ChatRequest, opts: { signal?: AbortSignal; tenantId?: string; bound?: LinkBound } = {}): Promise<ChatResult & { attempts: Attempt[] }> {
    const attempts: Attempt[] = [];
    const refused: string[] = [];
    const links = request.messages.some((m) => m.images?.length) ? chain.filter((e) => parseChainEntry(e).vision) : chain;
    if (links.length === 0 && chain.length > 0) throw new LlmChainError([], false, [], "no model in this chain can see images");
    for (const [at, entry] of links.entries()) {
      if (opts.signal?.aborted) throw new LlmChainError(attempts, true);
      const { provider, model } = parseChainEntry(entry);
      const limit = model && opts.bound ? opts.bound(provider, model, request) : {};
      if ("refused" in limit) {
        refused.push(limit.refused);
        this.#observe?.({ provider, model, outcome: "refused", latencyMs: 0 });
        continue;
      }
      const linkRequest = limit.maxTokens === undefined ? request : { ...request, maxTokens: limit.maxTokens };
      const last = at === links.length - 1;
      for (let retry = 0; ; retry++) {
        const started = performance.now();
        try {
          if (!model) throw new LlmCallError("client", `invalid model '${entry}' (expected provider_id/model)`);
          const own = opts.tenantId ? tenantProviderKey(opts.tenantId, provider) : "";
          const key = own && this.#settings.has(own) ? own : provider;
          const out = await this.#call(key, opts.signal, (p, signal) => p.chat(model, linkRequest, signal));
          const latencyMs = elapsed(started);
          attempts.push({ provider, model, ok: true, latencyMs });
          this.#observe?.({ provider, model, outcome: "ok", latencyMs, usage: out.usage });
          return { ...out, provider, model, latencyMs, attempts };
        } catch (e) {
          const latencyMs = elapsed(started);
          attempts.push({ provider, model, ok: false, error: describe(e), latencyMs });
          this.#observe?.({ provider, model, outcome: e instanceof LlmCallError ? e.kind : "internal", latencyMs });
          if (opts.signal?.aborted) throw new LlmChainError(attempts, true);
          // A dropped or refused connection is usually a blip (a restarting proxy, a full accept
          // queue): the last link gets NETWORK_RETRY_MS.length more tries before the user is told
          // there is no answer. Earlier links fall back at once — the next link is the retry.
          if (last && retry < NETWORK_RETRY_MS.length && e instanceof LlmCallError && e.kind === "network") {
            await pause(NETWORK_RETRY_MS[retry]!, opts.signal);
            if (opts.signal?.aborted) throw new LlmChainError(attempts, true);
            continue;
          }
          // Everything else falls back, 4xx included (not just 408/429): a bad model name or a revoked
          // key on the primary is the operator's mistake, and the secondary may well still answer.
          break;
        }
      }
    }
    throw new LlmChainError(attempts, false, refused);
  }

  /**
   * Speech to text at one provider (config media.transcription), under the same key, guarded fetch,
   * timeout and concurrency gate as its chat calls. Throws LlmCallError (the key redacted).
   */
  async transcribe(providerId: string, model: string, audio: AudioInput, signal?: AbortSignal): Promise<Transcript> {
    return this.#call(providerId, signal, (p, s) => {
      if (!p.transcribe) throw new LlmCallError("client", `provider '${providerId}' cannot transcribe audio (use an OpenAI-compatible one)`);
      return p.transcribe(model, audio, s);
    });
  }

  /** Text to speech at one provider (config media.speech), under the same key, guarded fetch, timeout and gate as its chat calls. */
  async speak(providerId: string, model: string, input: SpeechInput, signal?: AbortSignal): Promise<{ bytes: Uint8Array; mime: string }> {
    return this.#call(providerId, signal, (p, s) => {
      if (!p.speak) throw new LlmCallError("client", `provider '${providerId}' cannot speak (use an OpenAI-compatible one)`);
      return p.speak(model, input, s);
    });
  }

  /** The admin UI's "test" button: a tiny real completion when a model is given, else the model list. */
  async test(providerId: string, model?: string): Promise<ProviderTestResult> {
    const started = performance.now();
    try {
      if (model) {
        const out = await this.#call(providerId, undefined, (p, signal) =>
          p.chat(model, { messages: [{ role: "user", content: "Reply with the single word OK." }], maxTokens: 16 }, signal),
        );
        return { ok: true, latencyMs: elapsed(started), detail: `${model} answered: ${JSON.stringify(out.content.slice(0, 80))}` };
      }
      const models = await this.#call(providerId, undefined, (p, signal) => {
        if (!p.listModels) throw new LlmCallError("client", "this provider cannot list models; test it with a model name");
        return p.listModels(signal);
      });
      return { ok: true, latencyMs: elapsed(started), detail: `${models.length} model(s) available`, models };
    } catch (e) {
      return { ok: false, latencyMs: elapsed(started), error: describe(e) };
    }
  }

  /** Forget provider clients with nothing in flight; they are rebuilt on next use. */
  closeIdle(): void {
    for (const [id, gate] of this.#gates) if (gate.inUse === 0 && gate.waiting === 0) this.#instances.delete(id);
  }

  async #call<T>(providerId: string, callerSignal: AbortSignal | undefined, run: (p: PoolProvider, signal: AbortSignal) => Promise<T>): Promise<T> {
    if (!this.#settings.has(providerId)) throw new LlmCallError("client", `unknown provider '${providerId}'`);
    const release = await this.#gates.get(providerId)!.acquire(callerSignal).catch(() => {
      throw new LlmCallError("cancelled", "cancelled while waiting for a free slot");
    });
    // Read again after the wait (a Redis round trip with several replicas): an edit made meanwhile
    // applies to this call, and the stale settings never build the instance that later calls reuse.
    const settings = this.#settings.get(providerId);
    if (!settings) {
      release();
      throw new LlmCallError("client", `unknown provider '${providerId}'`);
    }
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(new DOMException(`no answer within ${settings.timeoutMs}ms`, "TimeoutError")), settings.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timer.signal]) : timer.signal;
    try {
      return await untilAborted(this.#provider(settings).then((p) => run(p, signal)), signal);
    } catch (e) {
      // Decided here by which signal fired, not by the abort reason: a caller may well abort with
      // its own AbortSignal.timeout(), and that is still the caller giving up, not a slow provider.
      if (callerSignal?.aborted) throw new LlmCallError("cancelled", "request cancelled");
      if (timer.signal.aborted) throw new LlmCallError("timeout", `request timed out (no answer within ${settings.timeoutMs}ms)`);
      throw e;
    } finally {
      clearTimeout(timeout);
      release();
    }
  }

  #provider(settings: ProviderSettings): Promise<PoolProvider> {
    let instance = this.#instances.get(settings.id);
    if (!instance) {
      instance = this.#createProvider(this.#fetch ? { ...settings, fetch: this.#fetch } : settings);
      const built = instance;
      // A failed load (say, a broken install) must not be cached: the next call tries again.
      built.catch(() => this.#instances.get(settings.id) === built && this.#instances.delete(settings.id));
      this.#instances.set(settings.id, built);
    }
    return instance;
  }
}

/** Settles with `work`, or rejects as soon as the signal aborts (the caller maps the reason). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function describe(e: unknown): string {
  if (e instanceof LlmCallError) return e.describe();
  return `internal: ${e instanceof Error ? e.message : String(e)}`;
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}
