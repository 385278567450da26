/**
 * Inbound events into /metrics: arrivals by channel kind and outcome (run now, held behind their
 * chat, or a redelivery), events finished by final status, and the reply latency. Channel kinds
 * are a short fixed list; anything else is reported as `other`, so labels stay bounded.
 */
import type { Metrics } from "../http/metrics.ts";

const KINDS = new Set(["slack", "telegram", "whatsapp", "webchat", "api", "widget", "terminal"]);
const STATUSES = new Set(["done", "failed", "ignored"]);

export function eventsObserver(metrics: Metrics) {
  return {
    arrived: (kind: string, outcome: "new" | "held" | "duplicate") => metrics.inboundEvents.inc({ kind: KINDS.has(kind) ? kind : "other", outcome }),
    finished: (status: string) => metrics.eventsFinished.inc({ status: STATUSES.has(status) ? status : "other" }),
    replied: (seconds: number) => metrics.replySeconds.observe(seconds),
  };
}
