/**
 * Prometheus metrics: one registry per app instance (no prom-client global register). Names follow
 * Prometheus conventions (`_total`, `_seconds`, `_bytes`); labels take values from a bounded set
 * (channel kinds, outcomes, queue names, provider/model pairs capped in src/metrics/labels.ts) —
 * never a tenant, user or message id. Gauges that describe the database (backlogs, queue depths,
 * sizes) are read by `beforeScrape`, which src/metrics/snapshot.ts sets once the app runs.
 */
import type * as PromClient from "prom-client";

// prom-client's index also loads its Pushgateway and cluster aggregator, which pull node:http,
// node:https, node:zlib and node:cluster (~15 MB resident at idle); the parts used come one by one.
const Registry = require("prom-client/lib/registry") as typeof PromClient.Registry;
const Counter = require("prom-client/lib/counter") as typeof PromClient.Counter;
const Gauge = require("prom-client/lib/gauge") as typeof PromClient.Gauge;
const Histogram = require("prom-client/lib/histogram") as typeof PromClient.Histogram;
const collectDefaultMetrics = require("prom-client/lib/defaultMetrics") as typeof PromClient.collectDefaultMetrics;
type Registry = PromClient.Registry;
type Counter<T extends string = string> = PromClient.Counter<T>;
type Gauge<T extends string = string> = PromClient.Gauge<T>;
type Histogram<T extends string = string> = PromClient.Histogram<T>;

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
  /** Every link of a model chain: `ok`, a failure kind, or `refused` (the budget bound). */
  llmCalls: Counter<"provider" | "model" | "outcome">;
  llmCallSeconds: Histogram<"provider" | "model" | "outcome">;
  llmTokens: Counter<"provider" | "model" | "direction">;
  llmCost: Counter<"provider" | "model">;
  /** Failed send attempts; `final` = the reply was given up. */
  sendFailures: Counter<"final">;
  /** This process: 1 with its replica name and version. */
  replicaInfo: Gauge<"replica" | "version">;
  channelConnections: Gauge<"kind" | "state">;
  inboxBacklog: Gauge<never>;
  inboxOldestSeconds: Gauge<never>;
  outboxBacklog: Gauge<never>;
  outboxOldestSeconds: Gauge<never>;
  jobsQueued: Gauge<"queue" | "state">;
  dataDirBytes: Gauge<never>;
  databaseBytes: Gauge<"mode">;
  /** Refreshes the database-backed gauges; null until the app runs. */
  beforeScrape: (() => Promise<void>) | null;
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
    llmCalls: new Counter({ name: "konstruct_llm_calls_total", help: "Model calls (each link of a chain) by provider, model and outcome (ok, a failure kind, or refused by the budget)", labelNames: ["provider", "model", "outcome"], registers: [registry] }),
    llmCallSeconds: new Histogram({
      name: "konstruct_llm_call_duration_seconds",
      help: "Model call latency including the wait for a concurrency slot, by provider, model and outcome (ok or error)",
      labelNames: ["provider", "model", "outcome"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120],
      registers: [registry],
    }),
    llmTokens: new Counter({ name: "konstruct_llm_tokens_total", help: "Tokens the providers reported, by provider, model and direction (input or output)", labelNames: ["provider", "model", "direction"], registers: [registry] }),
    llmCost: new Counter({ name: "konstruct_llm_cost_dollars_total", help: "Cost of model calls in US dollars at the configured prices (llm.prices)", labelNames: ["provider", "model"], registers: [registry] }),
    sendFailures: new Counter({ name: "konstruct_send_failures_total", help: "Failed reply send attempts; final=true when the reply was given up", labelNames: ["final"], registers: [registry] }),
    replicaInfo: new Gauge({ name: "konstruct_replica_info", help: "This replica: always 1, with its name and version", labelNames: ["replica", "version"], registers: [registry] }),
    channelConnections: new Gauge({ name: "konstruct_channel_connections", help: "Channel connections this replica serves, by kind and state (up or down)", labelNames: ["kind", "state"], registers: [registry] }),
    inboxBacklog: new Gauge({ name: "konstruct_inbox_backlog", help: "Inbound events not finished yet (pending or processing), all tenants", registers: [registry] }),
    inboxOldestSeconds: new Gauge({ name: "konstruct_inbox_oldest_age_seconds", help: "Age of the oldest unfinished inbound event (0 when none)", registers: [registry] }),
    outboxBacklog: new Gauge({ name: "konstruct_outbox_backlog", help: "Replies written but not yet accepted by their channel (pending or sending), all tenants", registers: [registry] }),
    outboxOldestSeconds: new Gauge({ name: "konstruct_outbox_oldest_age_seconds", help: "Age of the oldest reply not yet sent (0 when none)", registers: [registry] }),
    jobsQueued: new Gauge({ name: "konstruct_jobs", help: "Background jobs by queue and state (queued or active)", labelNames: ["queue", "state"], registers: [registry] }),
    dataDirBytes: new Gauge({ name: "konstruct_data_dir_bytes", help: "Bytes under data_dir (the embedded database, keys, tenant files)", registers: [registry] }),
    databaseBytes: new Gauge({ name: "konstruct_database_size_bytes", help: "Size of the database (pg_database_size), by mode (embedded or external)", labelNames: ["mode"], registers: [registry] }),
    beforeScrape: null,
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
