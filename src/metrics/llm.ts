/**
 * Model calls into /metrics: every link the pool tries, by provider, model and outcome, with its
 * latency, its tokens and its cost at the configured price. Provider and model pairs are bounded
 * (labels.ts); a BYO provider is reported under the id its chain names, never the tenant's key.
 */
import type { PriceTable } from "../agent/usage.ts";
import { costUsd } from "../agent/usage.ts";
import type { Metrics } from "../http/metrics.ts";
import type { LinkOutcome } from "../llm/pool.ts";
import { BoundedLabels } from "./labels.ts";

export function llmObserver(metrics: Metrics, prices: PriceTable): (o: LinkOutcome) => void {
  const pairs = new BoundedLabels(100);
  return (o) => {
    const pair = pairs.value(`${o.provider}/${o.model}`);
    const [provider, model] = pair === "other" ? ["other", "other"] : [o.provider, o.model];
    metrics.llmCalls.inc({ provider, model, outcome: o.outcome });
    if (o.outcome === "refused") return;
    // An attempt is a request that reached (or tried to reach) the provider; a refusal never left.
    metrics.llmAttempts.inc({ provider, ok: String(o.outcome === "ok") });
    metrics.llmCallSeconds.observe({ provider, model, outcome: o.outcome === "ok" ? "ok" : "error" }, o.latencyMs / 1000);
    if (!o.usage) return;
    metrics.llmTokens.inc({ provider, model, direction: "input" }, o.usage.promptTokens);
    metrics.llmTokens.inc({ provider, model, direction: "output" }, o.usage.completionTokens);
    const usd = costUsd(prices, o.provider, o.model, o.usage.promptTokens, o.usage.completionTokens);
    if (usd > 0) metrics.llmCost.inc({ provider, model }, usd);
  };
}
