/** Prometheus metrics: one registry per app instance (no prom-client global register). */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route">;
  /** Inbound channel events: `recorded` (new) or `duplicate` (a redelivery, acknowledged only). */
  inboundEvents: Counter<"kind" | "outcome">;
  /** How handled events ended: done | ignored | failed. */
  eventsFinished: Counter<"status">;
  /** Every model attempt of a chain, by provider and result. */
  llmAttempts: Counter<"provider" | "ok">;
  /** Inbound event recorded → its reply accepted by the channel. */
  replySeconds: Histogram<never>;
  /** 1 for each polling connection this replica polls (holds the lease of), 0 once it lost it. */
  pollerLeases: Gauge<"channel">;
  /** Conversations handed to a person, by what decided it (tool | command | rule | budget | approval). */
  handoffs: Counter<"source">;
  /**
   * Escalations by agent id and reason id (the rule's name, or the tool/command that decided it;
   * escalationReason): both bounded sets, never the free-text reason.
   */
  escalations: Counter<"agent" | "reason">;
  /** Messages the local scope check declined without a model call (src/scope/). */
  scopeDeclines: Counter<never>;
  /** From a handoff opened to a person's first reply, by source. */
  handoffFirstReply: Histogram<"source">;
  /** From a handoff opened to its close, by source and how (resolved | returned). */
  handoffClosed: Histogram<"source" | "how">;
}

/** Seconds to minutes and hours: how long people take to answer a handoff. */
const HUMAN_BUCKETS = [15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "konstruct_" });
  return {
    registry,
    httpRequests: new Counter({
      name: "konstruct_http_requests_total",
      help: "HTTP requests by method, route and status",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "konstruct_http_request_duration_seconds",
      help: "HTTP request duration by method and route",
      labelNames: ["method", "route"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    inboundEvents: new Counter({ name: "konstruct_inbound_events_total", help: "Inbound channel events by channel kind and outcome", labelNames: ["kind", "outcome"], registers: [registry] }),
    eventsFinished: new Counter({ name: "konstruct_events_finished_total", help: "Handled inbound events by final status", labelNames: ["status"], registers: [registry] }),
    llmAttempts: new Counter({ name: "konstruct_llm_attempts_total", help: "Model attempts by provider and success", labelNames: ["provider", "ok"], registers: [registry] }),
    pollerLeases: new Gauge({ name: "konstruct_channel_poller", help: "1 when this replica polls the channel (holds its polling lease)", labelNames: ["channel"], registers: [registry] }),
    handoffs: new Counter({ name: "konstruct_handoffs_total", help: "Conversations handed to a person, by source", labelNames: ["source"], registers: [registry] }),
    escalations: new Counter({ name: "konstruct_escalations_total", help: "Conversations handed to a person, by agent id and reason id (rule name)", labelNames: ["agent", "reason"], registers: [registry] }),
    scopeDeclines: new Counter({ name: "konstruct_scope_declines_total", help: "Off-topic messages declined by the local scope check, without a model call", registers: [registry] }),
    handoffFirstReply: new Histogram({ name: "konstruct_handoff_first_reply_seconds", help: "From a handoff opened to a person's first reply", labelNames: ["source"], buckets: HUMAN_BUCKETS, registers: [registry] }),
    handoffClosed: new Histogram({ name: "konstruct_handoff_closed_seconds", help: "From a handoff opened to its close (resolved or returned to the AI)", labelNames: ["source", "how"], buckets: HUMAN_BUCKETS, registers: [registry] }),
    replySeconds: new Histogram({
      name: "konstruct_reply_seconds",
      help: "From an inbound event being recorded to its reply being accepted by the channel",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}

/** A rule name as a label: rule names are validated identifiers (escalation/settings.ts); anything else is "other". */
export const escalationReason = (rule: string) => (/^[a-z][a-z0-9_]{0,62}$/.test(rule) ? rule : "other");
