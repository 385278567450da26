/**
 * Label values that come from configuration a tenant can change (provider ids, model names, job
 * queue names) are capped: the first `max` distinct values are kept as they are, every later one is
 * reported as "other". A tenant creating models in a loop cannot grow the scrape without bound.
 */
export class BoundedLabels {
  readonly #seen = new Set<string>();

  constructor(private readonly max = 64) {}

  value(v: string): string {
    const cut = v.slice(0, 80);
    if (this.#seen.has(cut)) return cut;
    if (this.#seen.size >= this.max) return "other";
    this.#seen.add(cut);
    return cut;
  }
}
