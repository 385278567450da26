/**
 * The local scope check: before any model is asked, the user's message is compared (by the local
 * embedding model, src/embeddings/, vectors L2-normalised so a dot product is the cosine) with what
 * the agent may talk about (its business, its topics, built-in small talk, and the agent's previous
 * reply) and with what it must decline (built-in generic requests plus its own examples). Only a
 * clear case is declined: the nearest off-topic anchor close enough AND clearly closer than anything
 * on-topic. Short messages and messages not in English (the model is English-only) always pass —
 * the system prompt (prompt.ts) still holds the model to the scope. Reference vectors are embedded
 * once per process and model (bounded cache).
 */
import type { Embedder } from "../embeddings/embedder.ts";
import { DEFAULT_DECLINE, GENERIC_OFF_TOPIC, SMALL_TALK } from "./anchors.ts";
import type { ScopeSettings, ScopeVerdict } from "./types.ts";

/** Tuned on fixtures/labelled.ts TUNING (fixtures/tune.ts), measured on MEASURED (check.test.ts). */
export const OFF_MIN = 0.4;
export const MARGIN = 0.2;
/** Fewer words than this: a greeting, "thanks", a follow-up — always the model's. */
export const MIN_WORDS = 4;
const MAX_TEXT = 1000;
const MAX_CACHE = 5000;

export interface Turn {
  role: string;
  content: string;
}

type Vec = Float32Array;
const dot = (a: Vec, b: Vec) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

const ENGLISH = new Set(
  "a an the i you we my your our me us is are was be do does did can could would will should have has how what when where which who why this that these those it its to of in on at for with from and or but not no yes please there here about any some if what's i'm it's don't can't i'd i've".split(" "),
);
const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
/**
 * Common English words: two of them, or a quarter of a short message. One "a" or "in" is not enough —
 * Spanish, Italian, German and Norwegian share them — and the English-only model misjudges those.
 */
export function looksEnglish(text: string): boolean {
  const w = words(text).slice(0, 40);
  const n = w.filter((x) => ENGLISH.has(x)).length;
  return n >= 2 || n / Math.max(1, w.length) >= 0.25;
}

export class ScopeCheck {
  private readonly cache = new Map<string, Promise<Vec>>();

  constructor(private readonly embedder: Pick<Embedder, "embed" | "model">) {}

  /** `history` ends with the user's message. Throws when the embedding model is unavailable. */
  async verdict(scope: ScopeSettings, history: Turn[]): Promise<ScopeVerdict> {
    const last = history.at(-1);
    const text = (last?.role === "user" ? last.content : "").slice(0, MAX_TEXT).trim();
    if (!text) return { decision: "pass", reason: "empty" };
    if (words(text).length < MIN_WORDS) return { decision: "pass", reason: "short" };
    if (!looksEnglish(text)) return { decision: "pass", reason: "language" };
    const previous = history.slice(0, -1).findLast((t) => t.role === "assistant")?.content.slice(0, MAX_TEXT);
    const allowed = [scope.business, ...scope.topics, ...SMALL_TALK, ...(previous && !isDecline(scope, previous) ? [previous] : [])];
    const declined = [...GENERIC_OFF_TOPIC, ...scope.offTopicExamples];
    const [v] = await this.embedder.embed([text], "query");
    const [a, d] = await Promise.all([this.vectors(allowed), this.vectors(declined)]);
    const onTopic = Math.max(...a.map((x) => dot(v!, x)));
    const sims = d.map((x) => dot(v!, x));
    const offTopic = Math.max(...sims);
    const nearest = declined[sims.indexOf(offTopic)]!;
    const decision = offTopic >= OFF_MIN && offTopic - onTopic >= MARGIN ? "decline" : "pass";
    return { decision, reason: "scored", onTopic: round(onTopic), offTopic: round(offTopic), nearest };
  }

  private async vectors(texts: string[]): Promise<Vec[]> {
    const missing = [...new Set(texts.filter((t) => !this.cache.has(this.key(t))))];
    if (missing.length) {
      if (this.cache.size + missing.length > MAX_CACHE) this.cache.clear();
      const batch = this.embedder.embed(missing, "query");
      missing.forEach((t, i) => {
        const p = batch.then((vs) => vs[i]!);
        // A model that failed is asked again next time, not remembered as broken.
        p.catch(() => this.cache.delete(this.key(t)));
        this.cache.set(this.key(t), p);
      });
    }
    return Promise.all(texts.map((t) => this.cache.get(this.key(t)) ?? this.embedder.embed([t], "query").then((v) => v[0]!)));
  }

  private key(text: string) {
    return `${this.embedder.model}\n${text}`;
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The agent's own decline sentences: a previous reply that was one says nothing about the topic. */
function isDecline(scope: ScopeSettings, text: string): boolean {
  return [DEFAULT_DECLINE, ...Object.values(scope.decline)].some((d) => d.trim() === text.trim());
}
