/**
 * The cheap pre-route: the user's message and each specialist's role description embedded by the
 * local model (no model call; vectors are L2-normalised, so a dot product is the cosine). Only a
 * clear winner is routed — its similarity at least `minScore` and ahead of the runner-up by at least
 * `minMargin` — everything else is left to the coordinator's model, which sees the `delegate` tool.
 * Descriptions' vectors are cached per process (bounded); a failing embedder routes nothing.
 */
import type { Embedder } from "../embeddings/embedder.ts";

export interface RouteCandidate {
  agentId: string;
  description: string;
}

export interface RouteDecision {
  agentId: string;
  score: number;
  margin: number;
}

export interface RouterOptions {
  minScore: number;
  minMargin: number;
}

/** Calibrated on the labelled set in router.test.ts with the built-in model (use-lite-en). */
export const DEFAULT_ROUTING: RouterOptions = { minScore: 0.3, minMargin: 0.1 };
const MAX_CACHE = 1000;
const MAX_TEXT = 2000;

const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

export class Router {
  private readonly cache = new Map<string, Promise<Float32Array>>();

  constructor(
    private readonly embedder: Pick<Embedder, "embed" | "model">,
    private readonly opts: RouterOptions = DEFAULT_ROUTING,
  ) {}

  /** Every candidate's similarity to `message`, best first. */
  async scores(message: string, candidates: RouteCandidate[]): Promise<{ agentId: string; score: number }[]> {
    if (!candidates.length || !message.trim()) return [];
    const [v] = await this.embedder.embed([message.slice(0, MAX_TEXT)], "query");
    const vs = await Promise.all(candidates.map((c) => this.vector(c.description)));
    return candidates.map((c, i) => ({ agentId: c.agentId, score: dot(v!, vs[i]!) })).sort((a, b) => b.score - a.score);
  }

  async route(message: string, candidates: RouteCandidate[]): Promise<RouteDecision | null> {
    const ranked = await this.scores(message, candidates).catch(() => []);
    const [top, next] = ranked;
    if (!top) return null;
    const margin = top.score - (next?.score ?? 0);
    return top.score >= this.opts.minScore && margin >= this.opts.minMargin ? { agentId: top.agentId, score: top.score, margin } : null;
  }

  private vector(text: string): Promise<Float32Array> {
    const key = `${this.embedder.model}\n${text}`;
    let p = this.cache.get(key);
    if (!p) {
      if (this.cache.size >= MAX_CACHE) this.cache.delete(this.cache.keys().next().value!);
      p = this.embedder.embed([text.slice(0, MAX_TEXT)], "query").then((r) => r[0]!);
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return p;
  }
}
