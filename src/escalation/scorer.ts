/**
 * Scores without a model call: sentiment, topics and repetition, from the local embedding model
 * (src/embeddings/, vectors are L2-normalised so a dot product is the cosine). The labelled
 * examples' vectors are embedded once per process and model (a module-level cache: apps restarted
 * in one process share it); a topic's once per scorer and distinct wording.
 *
 * Sentiment in [-1, 1]: the mean of the 3 nearest examples of each class, turned into class shares by
 * a softmax (temperature 0.05), then share(positive) − share(negative).
 */
import type { Embedder } from "../embeddings/embedder.ts";
import { SENTIMENT_EXAMPLES } from "./examples.ts";
import type { EscalationTopic } from "./types.ts";

const K = 3;
const TEMPERATURE = 0.05;
/** Cosine at or above which a message counts as about a topic / as the same question again. */
export const TOPIC_THRESHOLD = 0.5;
export const REPEAT_THRESHOLD = 0.8;
const MAX_TOPIC_CACHE = 500;

type Vec = Float32Array;
const dot = (a: Vec, b: Vec) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const topK = (v: Vec, set: Vec[]) => {
  const sims = set.map((e) => dot(v, e)).sort((a, b) => b - a);
  const top = sims.slice(0, K);
  return top.reduce((a, b) => a + b, 0) / Math.max(1, top.length);
};

type Labelled = Record<"positive" | "neutral" | "negative", Vec[]>;
const SENTIMENT_SETS = new Map<string, Promise<Labelled>>();

export class Scorer {
  private readonly topicSets = new Map<string, Promise<Vec[]>>();

  constructor(private readonly embedder: Pick<Embedder, "embed" | "model">) {}

  embed(texts: string[]): Promise<Vec[]> {
    return this.embedder.embed(texts, "query");
  }

  async sentiment(v: Vec): Promise<number> {
    const sets = await this.sentimentVectors();
    const m = { positive: topK(v, sets.positive), neutral: topK(v, sets.neutral), negative: topK(v, sets.negative) };
    const top = Math.max(m.positive, m.neutral, m.negative);
    const e = { p: Math.exp((m.positive - top) / TEMPERATURE), n: Math.exp((m.neutral - top) / TEMPERATURE), g: Math.exp((m.negative - top) / TEMPERATURE) };
    const sum = e.p + e.n + e.g;
    return Math.max(-1, Math.min(1, (e.p - e.g) / sum));
  }

  /** Each topic's similarity: the best match among its description and examples. */
  async topics(v: Vec, topics: EscalationTopic[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of topics) out[t.name] = Math.max(...(await this.topicVectors(t)).map((e) => dot(v, e)));
    return out;
  }

  similarity(a: Vec, b: Vec): number {
    return dot(a, b);
  }

  private sentimentVectors(): Promise<Labelled> {
    const model = this.embedder.model;
    let p = SENTIMENT_SETS.get(model);
    if (!p) {
      p = (async () => {
        const { positive, neutral, negative } = SENTIMENT_EXAMPLES;
        const all = await this.embed([...positive, ...neutral, ...negative]);
        return { positive: all.slice(0, positive.length), neutral: all.slice(positive.length, positive.length + neutral.length), negative: all.slice(positive.length + neutral.length) };
      })();
      // A model that failed to load is asked again next time, not remembered as broken.
      p.catch(() => SENTIMENT_SETS.delete(model));
      SENTIMENT_SETS.set(model, p);
    }
    return p;
  }

  private topicVectors(t: EscalationTopic): Promise<Vec[]> {
    const key = JSON.stringify([t.description, t.examples]);
    let p = this.topicSets.get(key);
    if (!p) {
      if (this.topicSets.size >= MAX_TOPIC_CACHE) this.topicSets.clear();
      p = this.embed([t.description, ...t.examples].filter(Boolean));
      p.catch(() => this.topicSets.delete(key));
      this.topicSets.set(key, p);
    }
    return p;
  }
}
