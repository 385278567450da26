/**
 * The conversation gateway, assembled: LLM pool, rate limits, durable inbox/outbox, the event
 * handler and scheduler, and the channel connections of every tenant. createApp owns one.
 *
 * Start order: providers → connections built → unfinished events resumed → adapters started (new
 * events flow) → lease maintenance. Stop order is the reverse: adapters stop receiving, in-flight
 * turns finish (bounded by the caller), then rate-limit storage closes.
 */
import type { EscalationRules } from "../escalation/evaluate.ts";
import type { ScopeGate } from "../scope/gate.ts";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { TurnDeps } from "../agent/loop.ts";
import { NO_TOOLS, type Tools } from "../agent/tools.ts";
import type { TurnContext } from "../agent/turn-context.ts";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import type { JobEngine } from "../jobs/engine.ts";
import { ClusterSemaphore } from "../llm/cluster-semaphore.ts";
import { installationId, redisNamespace } from "../db/installation.ts";
import { type LinkOutcome, LlmPool } from "../llm/pool.ts";
import { connectRedis } from "./limits/redis.ts";
import type { SecretBox } from "../secrets/box.ts";
import { tenantIds } from "../approvals/store.ts";
import { SkillCatalog } from "../skills/catalog.ts";
import { lazyTools } from "../tools/lazy.ts";
import type { ProviderOptions } from "../tools/registry.ts";
import type { Outbound } from "../net/outbound.ts";
import { knowledgeLimits } from "../knowledge/knowledge.ts";
import type { AttachmentStore } from "../media/attachments.ts";
import { documentReader } from "../media/read-document.ts";
import { speaker } from "../media/speak.ts";
import { transcriber } from "../media/transcribe.ts";
import type { Resolver } from "../net/ssrf.ts";
import { APPROVAL_QUEUE, ApprovalFlow, type ApprovalFlowDeps, type ApprovalJob } from "./approval-flow.ts";
import type { TaskCommands } from "./commands.ts";
import { type AdapterFactory, Connections } from "./connections.ts";
import { EventHandler } from "./event-handler.ts";
import { Inbox } from "./inbox.ts";
import { createGate } from "./limits/gate.ts";
import type { HandoffPort } from "./handoff-port.ts";
import { Outbox } from "./outbox.ts";
import { Pipeline } from "./pipeline.ts";
import { loadProviders, providerScope, reloadProvider } from "./providers.ts";
import { ConfigBus } from "./config-bus.ts";

/** Loaded on first use: an appliance without Slack never loads the Slack adapter (idle memory). */
export const ADAPTERS: Record<string, AdapterFactory> = {
  slack: async (def, ctx) => (await import("../channels/slack/adapter.ts")).createSlackAdapter(def, ctx),
  telegram: async (def, ctx) => (await import("../channels/telegram/adapter.ts")).createTelegramAdapter(def, ctx),
  whatsapp: async (def, ctx) => (await import("../channels/whatsapp/adapter.ts")).createWhatsAppAdapter(def, ctx),
  webchat: async () => (await import("../channels/webchat/adapter.ts")).createWebchatAdapter(),
  api: async () => (await import("../channels/api/adapter.ts")).createApiAdapter(),
  widget: async (def) => (await import("../channels/widget/adapter.ts")).createWidgetAdapter(def),
};

export interface GatewayOptions {
  config: Config;
  db: Database;
  secrets: SecretBox;
  log: Logger;
  dataDir: string;
  /** Channel kinds to run (default: all). `konstruct chat` runs none and adds its terminal. */
  adapters?: Record<string, AdapterFactory>;
  /** Told when this replica takes or loses a connection's polling lease (the /metrics gauge). */
  onPollerLease?: (channelId: string, held: boolean) => void;
  /** Every link a model chain tried (/metrics, src/metrics/llm.ts). */
  observeLlm?: (o: LinkOutcome) => void;
  /** Every failed send attempt; `final` when the reply is given up (/metrics). */
  sendFailed?: (final: boolean) => void;
  /** Inbound events arriving, finishing, and answered (/metrics, src/metrics/events.ts). */
  events?: {
    arrived(kind: string, outcome: "new" | "held" | "duplicate"): void;
    finished(status: string): void;
    replied(seconds: number): void;
  };
  /** Replaces the tool registry entirely (tests of the bare pipeline). */
  tools?: Tools;
  /** Memory and knowledge around each turn (app/semantic.ts). */
  context?: TurnContext;
  conversationClosed?: (tenantId: string, conversationId: string) => void;
  /** More tool providers for the registry (memory, knowledge…), fenced like the built-ins. */
  toolProviders?: { provider: Tools; options?: ProviderOptions }[];
  /** DNS for http_fetch's SSRF guard (tests). */
  resolver?: Resolver;
  /** The SSRF guard for every configured URL: LLM providers, channel APIs, MCP servers. */
  outbound: Outbound;
  /** Told of every approval decision (event triggers). */
  approvalDecided?: ApprovalFlowDeps["decided"];
  /** Background tasks for /tasks and /cancel N (src/tasks/). */
  tasks?: TaskCommands;
  /** Structured escalation rules, evaluated in the turn pipeline (src/escalation/). */
  escalation?: EscalationRules;
  /** The business-function scope's local check, before the model (src/scope/). */
  scope?: ScopeGate;
  /** Human handoff (src/handoff/ implements the port). */
  handoff?: HandoffPort;
  /** The job engine: approvals' expiry jobs are defined on it and sent to it. */
  jobs: Pick<JobEngine, "define" | "send">;
  /** Before a turn's first model call (src/teams/: a team coordinator's embedding pre-route). */
  preroute?: TurnDeps["preroute"];
  /** Where attachments people send are kept per tenant (media/attachments.ts). */
  attachments?: AttachmentStore;
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>;

export async function createGateway(opts: GatewayOptions) {
  const { config, db, log } = opts;
  // A provider saved here is reloaded from its row on every other replica (config-events.ts); with
  // Redis the notice goes over Redis pub/sub too (config-bus.ts).
  // Keys and channels in Redis are this deployment's own: one Redis may serve several (db/installation.ts).
  const namespace = config.redis.url ? redisNamespace(await installationId(db)) : "";
  const bus = await ConfigBus.open(db, config.redis.url, log, namespace);
  const edited = (key: string) =>
    void bus.publish({ kind: "provider", ...providerScope(key), from: connections.holder }).catch((e) => log.warn({ err: e }, "could not tell the other replicas of a provider edit"));
  // With Redis, a provider's max_concurrency holds across replicas (llm/cluster-semaphore.ts).
  const redis = config.redis.url ? await connectRedis(config.redis.url, { log, name: "konstruct-llm" }) : null;
  const gateOf = redis ? (id: string, size: number) => new ClusterSemaphore(redis, `${namespace}llm:slots:${id}`, size, log) : undefined;
  const pool = new LlmPool(await loadProviders(db, opts.secrets), { fetch: opts.outbound.fetch, edited, observe: opts.observeLlm, gate: gateOf });
  let unlisten = async () => {};
  const gate = await createGate(config.limits, config.redis.url, log);
  const inbox = new Inbox(db, { owner: instanceId(opts.dataDir), leaseMs: config.database.inbox_lease_ms, finished: opts.events?.finished });
  const outbox = new Outbox(db, { log: log.child({ part: "outbox" }), failed: opts.sendFailed, finished: opts.events?.finished });
  const connection = (id: string) => connections.get(id);
  // Skills load (and report problems) at start; the registry itself is built on the first turn.
  const skills = opts.tools ? null : new SkillCatalog({ dataDir: opts.dataDir, log: log.child({ part: "skills" }) });
  await skills?.load();
  const built = skills
    ? lazyTools(async () => (await import("../tools/build.ts")).buildTools({ config, db, secrets: opts.secrets, log, catalog: skills, outbox, connection, resolver: opts.resolver, fetch: opts.outbound.fetch, providers: opts.toolProviders }))
    : null;
  const turn: TurnDeps = { db, pool, tools: opts.tools ?? built ?? NO_TOOLS, log, context: opts.context, preroute: opts.preroute };
  const approvals = new ApprovalFlow({ db, inbox, outbox, turn, prices: config.llm.prices, log, ttlMs: config.approvals.ttl_minutes * 60_000, approvers: tenantApprovers(config, db), connection, jobs: opts.jobs, decided: opts.approvalDecided });
  // A job active this long died with its process: pg-boss retries it, and settle() finds it stranded.
  opts.jobs.define<ApprovalJob>(APPROVAL_QUEUE, { policy: "stately", expireInSeconds: 300, retryLimit: 3, retryDelay: 130, handler: (d) => approvals.settle(d.tenantId, d.approvalId) });
  const handler = new EventHandler({
    db, inbox, outbox, gate, prices: config.llm.prices, log, turn, approvals,
    conversationClosed: opts.conversationClosed, tasks: opts.tasks, escalation: opts.escalation,
    scope: opts.scope, handoff: opts.handoff, media: config.media,
    readDocument: documentReader(knowledgeLimits(config.knowledge)),
    transcribe: transcriber(pool, config.media.transcription, log),
    speak: speaker(pool, config.media.speech, log),
    attachments: opts.attachments,
    replied: opts.events?.replied,
  });
  const connections = new Connections(db, opts.secrets, opts.adapters ?? ADAPTERS, log, opts.outbound.fetch, config.server.public_url, opts.onPollerLease, bus);
  const pipeline = new Pipeline({ inbox, handler, log, connection: (id) => connections.get(id), arrived: opts.events?.arrived });

  return {
    pool,
    /** How configuration edits reach the other replicas (config-bus.ts). */
    configBus: bus,
    inbox,
    outbox,
    /** What an agent turn needs (background tasks run their own turns with it). */
    turn,
    connection,
    pipeline,
    connections,
    approvals,
    /** The tool registry (null when `tools` replaced it); `tools.add(provider, options)` adds a provider. */
    tools: built,
    skills,
    async start() {
      unlisten = await bus.listen(connections.holder, log, { provider: (e) => reloadProvider(db, opts.secrets, pool, e.tenantId, e.id) });
      await connections.load();
      await pipeline.recover();
      await connections.start(pipeline);
      pipeline.startMaintenance();
      // After a restart, approvals that ran out while the appliance was down are expired now; the
      // others expire by their jobs (approval-flow.ts).
      await approvals.sweep().catch((e) => log.warn({ err: e }, "approval sweep failed"));
      skills?.watch();
    },
    /** Stops receiving, then waits for in-flight events up to `graceMs`; what remains resumes after restart. */
    async stop(graceMs: number) {
      await unlisten().catch(() => {});
      skills?.close();
      await built?.stop();
      await connections.stop();
      const drained = await Promise.race([pipeline.stop().then(() => true), Bun.sleep(graceMs).then(() => false)]);
      if (!drained) log.warn("in-flight events left unfinished at shutdown; they resume on next start");
      await gate.close();
      await bus.close();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

/** Tenant approvers (config `tenants[].approvers`) by tenant id. */
function tenantApprovers(config: Config, db: Database) {
  let slugs: Map<string, string> | null = null;
  return async (tenantId: string) => {
    slugs ??= new Map((await tenantIds(db)).map((t) => [t.id, t.slug]));
    if (!slugs.has(tenantId)) slugs = new Map((await tenantIds(db)).map((t) => [t.id, t.slug]));
    return config.tenants.find((t) => t.slug === slugs!.get(tenantId))?.approvers ?? [];
  };
}

/** This process's identity in inbox claims, stable per data dir so a restart recognises its own. */
export function instanceId(dataDir: string): string {
  const file = join(dataDir, "instance-id");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const id = randomUUID();
  writeFileSync(file, `${id}\n`);
  return id;
}
