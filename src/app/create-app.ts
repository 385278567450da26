/**
 * The composition root: builds every component from the resolved config and owns their lifecycle.
 * Nothing else constructs long-lived components; nothing is a module-level singleton.
 *
 * start(): open the database (bounded retry for an external one) → migrate under the advisory lock
 * (or refuse a stale/newer schema) → apply provisioning → gateway (channel connections, unfinished
 * events resumed) → listen. stop(): stop accepting, let in-flight requests finish, stop channel
 * connections and let in-flight turns finish (each bounded by server.shutdown_timeout_ms), close
 * the database.
 */
import { createReplyModeTool, SET_REPLY_MODE } from "../media/reply-mode.ts";
import { type Control, startControl } from "../backup/control.ts";
import { EscalationRules } from "../escalation/evaluate.ts";
import { Scorer } from "../escalation/scorer.ts";
import type { Escalate } from "../escalation/types.ts";
import { auditEscalate, onApprovalDenied } from "../escalation/wiring.ts";
import { ScopeCheck } from "../scope/check.ts";
import { ScopeGate } from "../scope/gate.ts";
import type { Server } from "bun";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config/schema.ts";
import { type Database, openDatabase } from "../db/database.ts";
import { diskFullSaysSo, type DiskSpace, diskSpace, type FreeSpace, startupShortage } from "../db/disk-space.ts";
import { assertCompatible, migrate, migrationStatus } from "../db/migrate.ts";
import type { EmbeddedMigration } from "../db/migrations-embed.ts";
import { KonstructError } from "../errors.ts";
import { createMetrics, escalationReason, type Metrics } from "../http/metrics.ts";
import { scrape } from "../http/routes/metrics.ts";
import { eventsObserver } from "../metrics/events.ts";
import { llmObserver } from "../metrics/llm.ts";
import { snapshotGauges } from "../metrics/snapshot.ts";
import { createGateway, type Gateway, type GatewayOptions, instanceId } from "../gateway/gateway.ts";
import { limitBody } from "../http/body-limit.ts";
import { errorResponse } from "../http/errors.ts";
import { buildHttp } from "../http/routes.ts";
import { type Heartbeat, startHeartbeat } from "../heartbeat/ticker.ts";
import { JobEngine } from "../jobs/engine.ts";
import { AttachmentStore } from "../media/attachments.ts";
import { describeKbAdd, kbAddAttachmentTool } from "../knowledge/add-attachment.ts";
import { S3BlobStore } from "../media/s3-store.ts";
import { DirBlobStore } from "../media/store.ts";
import { defineRetentionJob, type RetentionTicker, startRetentionTicker } from "../retention/job.ts";
import { createLogger } from "../log/logger.ts";
import { Outbound } from "../net/outbound.ts";
import { applyProvisioning } from "../provisioning/apply.ts";
import { SecretBox } from "../secrets/box.ts";
import { createSchedules, type Schedules } from "../schedules/index.ts";
import { createTasks, type Tasks } from "../tasks/index.ts";
import { createHandoffChat } from "../handoff/chat.ts";
import { createEscalateTool } from "../handoff/escalate-tool.ts";
import { createTeams, DELEGATE } from "../teams/delegate.ts";
import { TeamDirectory } from "../teams/directory.ts";
import { Router } from "../teams/router.ts";
import { createHandoffService } from "../handoff/service.ts";
import { summarizeHandoff } from "../handoff/summary.ts";
import type { HandoffMeasures } from "../handoff/types.ts";
import type { Handoff } from "../db/schema/handoffs.ts";
import { defineHandoffJobs, expectedWait } from "../handoff/jobs.ts";
import { createStaff } from "../handoff/staff.ts";
import { eventHooks } from "../triggers/hooks.ts";
import { createTriggers, type Triggers } from "../triggers/index.ts";
import { VERSION } from "../version.ts";
import { createSemantic, type Semantic } from "./semantic.ts";

export interface AppOptions {
  log?: Logger;
  /** Called after the `escalation.requested` audit entry (the handoff, src/handoff/; tests observe it). */
  escalate?: Escalate;
  /** Apply pending migrations at start (default). When false, a stale schema refuses to start. */
  autoMigrate?: boolean;
  /** The migrations to apply (default: those compiled in; upgrade tests add one). */
  migrations?: EmbeddedMigration[];
  /** Listen for HTTP (default). Tests drive `app.http.handle()` in-process instead. */
  listen?: boolean;
  retryDelayMs?: number;
  /** Channel adapters to run (default: all kinds); tests and `konstruct chat` narrow this. */
  adapters?: GatewayOptions["adapters"];
  /** Extra tool providers (memory, knowledge), fenced by skills and approvals like the built-ins. */
  toolProviders?: GatewayOptions["toolProviders"];
  /** DNS for http_fetch's SSRF guard (tests). */
  resolver?: GatewayOptions["resolver"];
  /** The guard for configured outbound URLs; default: from security.allow_private_hosts (tests inject a resolver). */
  outbound?: Outbound;
  /** How data_dir's free space is measured (default statfs; tests inject a full disk). */
  freeSpace?: FreeSpace;
}

export interface App {
  config: Config;
  log: Logger;
  metrics: Metrics;
  http: ReturnType<typeof buildHttp>;
  readonly db: Database;
  readonly secrets: SecretBox;
  readonly server: Server<undefined> | null;
  readonly gateway: Gateway;
  /** Memory and knowledge (embedder, knowledge base, long-term memory). */
  readonly semantic: Semantic;
  /** Background jobs (pg-boss): tasks. */
  readonly jobs: JobEngine;
  readonly tasks: Tasks;
  /** The heartbeat ticker (tests drive its clock with `tick(now)`). */
  readonly heartbeat: Heartbeat;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createApp(config: Config, opts: AppOptions = {}): App {
  const log = opts.log ?? createLogger(config.log.level);
  const metrics = createMetrics();
  let db: Database | null = null;
  let secrets: SecretBox | null = null;
  let server: Server<undefined> | null = null;
  let gateway: Gateway | null = null;
  let semantic: Semantic | null = null;
  let jobs: JobEngine | null = null;
  let tasks: Tasks | null = null;
  let schedules: Schedules | null = null;
  let triggers: Triggers | null = null;
  let heartbeat: Heartbeat | null = null;
  let retention: RetentionTicker | null = null;
  let attachmentStore: AttachmentStore | null = null;
  let control: Control | null = null;
  let scheduled: { stop(): Promise<void> } | null = null;
  let metricsServer: Server<undefined> | null = null;
  // The socket's remote address per request, for login throttling (Elysia's own `server` is unset
  // because Bun.serve, not Elysia, listens).
  const peers = new WeakMap<Request, string>();
  // One guard for every URL an admin configures (providers, channel APIs, MCP, Test buttons).
  const outbound = opts.outbound ?? new Outbound({ allowPrivate: config.security.allow_private_hosts });
  const dataDir = resolve(config.data_dir);
  const disk = diskSpace(dataDir, config.disk.min_free_mb, opts.freeSpace);
  const seconds = (from: Date, to: Date | null) => Math.max(0, ((to ?? new Date()).getTime() - from.getTime()) / 1000);
  const handoffMeasures: HandoffMeasures = {
    firstReply: (h) => metrics.handoffFirstReply.observe({ source: h.source }, seconds(h.createdAt, h.firstReplyAt)),
    closed: (h) => metrics.handoffClosed.observe({ source: h.source, how: h.status }, seconds(h.createdAt, h.closedAt)),
  };
  const http = buildHttp({
    disk,
    outbound,
    config,
    log,
    metrics,
    version: VERSION,
    db: () => db,
    connections: () => gateway?.connections ?? null,
    secrets: () => secrets,
    pool: () => gateway?.pool ?? null,
    turn: () => gateway?.turn ?? null,
    peer: (req) => peers.get(req) ?? null,
    knowledge: () => semantic,
    approvals: () => gateway?.approvals ?? null,
    skills: () => gateway?.skills ?? null,
    reach: () => gateway,
    attachments: () => attachmentStore,
    handoffMeasures,
    triggers: () => triggers,
  });

  const app: App = {
    config,
    log,
    metrics,
    http,
    get db() {
      if (!db) throw new KonstructError("internal", "app not started");
      return db;
    },
    get secrets() {
      if (!secrets) throw new KonstructError("internal", "app not started");
      return secrets;
    },
    get server() {
      return server;
    },
    get gateway() {
      if (!gateway) throw new KonstructError("internal", "app not started");
      return gateway;
    },
    get semantic() {
      if (!semantic) throw new KonstructError("internal", "app not started");
      return semantic;
    },
    get tasks() {
      if (!tasks) throw new KonstructError("internal", "app not started");
      return tasks;
    },
    get heartbeat() {
      if (!heartbeat) throw new KonstructError("internal", "app not started");
      return heartbeat;
    },
    get jobs() {
      if (!jobs) throw new KonstructError("internal", "app not started");
      return jobs;
    },
    async start() {
      // A full disk is said in one line before anything writes (PGlite would abort its wasm).
      const [box, opened] = await diskFullSaysSo(disk, async () => {
        mkdirSync(dataDir, { recursive: true });
        if (disk.shortage()) throw startupShortage(disk);
        const box = await SecretBox.open(config.secrets.key, dataDir);
        return [box, await openDatabase({
          url: config.database.url,
          dataDir,
          poolSize: config.database.pool_size,
          connectAttempts: config.database.connect_attempts,
          retryDelayMs: opts.retryDelayMs,
        })] as const;
      });
      secrets = box;
      try {
        if (opts.autoMigrate ?? true) {
          const status = await migrationStatus(opened.driver.raw, opts.migrations);
          // A downgrade: say which pre-upgrade backup takes this version back (src/backup/downgrade.ts).
          if (status.unknown.length && opened.mode === "embedded") await (await import("../backup/downgrade.ts")).refuseDowngrade(status, dataDir);
          // Loaded only when an upgrade is about to migrate: serve's idle memory never pays for it.
          if (config.backup.pre_upgrade && opened.mode === "embedded" && status.pending.length && status.applied)
            await (await import("../backup/pre-upgrade.ts")).preUpgradeBackup({ db: opened, dataDir, status, keep: config.backup.keep, disk, log });
          const applied = await migrate(opened.driver.raw, opts.migrations);
          if (applied.length) log.info({ applied }, "migrations applied");
        } else {
          const status = await migrationStatus(opened.driver.raw);
          assertCompatible(status);
          if (status.pending.length)
            throw new KonstructError("schema_stale", `database schema is behind (pending: ${status.pending.join(", ")}); run 'konstruct migrate'`);
        }
        await applyProvisioning(config, opened, secrets, log);
        // Internal events (a document ready, an approval decided, a task finished) feed event triggers.
        const hooks = eventHooks(() => triggers?.emit ?? null);
        // Background work runs on the job engine (embedding, fact extraction, approval expiry, tasks);
        // tasks borrow the gateway's turn machinery once it runs.
        const engine = new JobEngine({ db: opened, url: config.database.url, pollSeconds: config.jobs.poll_seconds, log: log.child({ part: "jobs" }) });
        jobs = engine;
        // The daily purge (src/retention/): one run per UTC day across replicas, queued by an hourly look.
        // Attachments people send, kept per tenant (src/media/store.ts); retention deletes their blobs too.
        const blobs = config.media.s3 ? new S3BlobStore(config.media.s3, outbound.fetch) : new DirBlobStore(dataDir);
        attachmentStore = new AttachmentStore(opened, blobs);
        const retentionDeps = { db: opened, config, log: log.child({ part: "retention" }), attachments: attachmentStore };
        defineRetentionJob(engine, retentionDeps);
        // Knowledge-base originals share the attachment blobs, so one reference count (media/refs.ts) covers both.
        const sem = await createSemantic(config, opened, dataDir, log, engine, { documentReady: hooks.documentReady, originals: blobs });
        // Memory and knowledge tools are core abilities: no skill needed, fenced by the registry like the rest.
        const semanticTools = { provider: sem.tools, options: { baseline: ["kb_search", "remember"], readOnly: ["kb_search"] } };
        // Human handoff: the escalate tool is a core ability (no skill needed), /human and silence in human mode.
        const escalated = (h: Handoff) => (metrics.handoffs.inc({ source: h.source }), metrics.escalations.inc({ agent: h.agentId, reason: escalationReason(h.rule) }));
        let running: Gateway | null = null;
        // The tenant's people are notified at its escalation destination, off the hot path (a job), and act
        // on the notification from there (Take it, a reply in its thread: the gateway asks `staff`).
        const summaryDeps = { db: opened, pool: () => running?.pool ?? null, prices: config.llm.prices, log: log.child({ part: "handoff" }) };
        const noticeDeps = { db: opened, reach: () => running, publicUrl: config.server.public_url, measures: handoffMeasures, summarize: (tenantId: string, h: Handoff) => summarizeHandoff(summaryDeps, tenantId, h) };
        const notifyOpened = defineHandoffJobs(engine, noticeDeps, log.child({ part: "handoff" }));
        const handoff = createHandoffService({ db: opened, escalated, opened: notifyOpened });
        // Escalation rules score with the same embedder (no model call); a rule that holds writes the audit
        // entry, then hands the conversation to a person.
        const toHuman: Escalate = async (req, signals) => (await handoff.escalate(req), await opts.escalate?.(req, signals));
        const escalation = new EscalationRules({ scorer: new Scorer(sem.embedder), escalate: auditEscalate(opened, toHuman), log: log.child({ part: "escalation" }) });
        const denied = onApprovalDenied(opened, escalation, log);
        // Business-function scoping: clear off-topic requests declined by the same embedder, no model call.
        const scope = new ScopeGate({ check: new ScopeCheck(sem.embedder), log: log.child({ part: "scope" }), declined: () => metrics.scopeDeclines.inc() });
        const background = createTasks({ config, db: opened, engine, log, worker: instanceId(dataDir), runtime: () => running, finished: hooks.taskFinished });
        tasks = background;
        triggers = createTriggers({ db: opened, secrets, log, enqueue: background.executor.enqueue });
        const sched = createSchedules({ db: opened, log, enqueue: background.executor.enqueueMany, warm: () => engine.warm() });
        schedules = sched;
        const escalateTool = { provider: createEscalateTool(handoff, (tenantId) => expectedWait(opened, tenantId)), options: { baseline: ["escalate"] } };
        // Teams: a coordinator's delegate tool (a core ability) runs a specialist's turn on the gateway's own loop;
        // the pre-route scores with the same embedder (no model call).
        const team = createTeams({ db: opened, directory: new TeamDirectory(opened), router: new Router(sem.embedder), prices: config.llm.prices, turn: () => running?.turn ?? null });
        const teamTool = { provider: team.tools, options: { baseline: [DELEGATE] } };
        // "Answer me by voice" / "text only": a core ability, stored per end user (media/reply-mode.ts); offered
        // only when answers can be spoken at all (media.speech), so other appliances' prompts do not carry it.
        const replyModeTool = config.media.speech.provider ? [{ provider: createReplyModeTool({ db: opened }), options: { baseline: [SET_REPLY_MODE.name] } }] : [];
        // A document sent in chat into the knowledge base: not a core ability, only under a skill that lists it.
        const kbAdd = { provider: kbAddAttachmentTool({ db: opened, attachments: () => attachmentStore, knowledge: () => sem.knowledge }), options: { describe: describeKbAdd } };
        const gw = await createGateway({
          config,
          db: opened,
          secrets,
          log,
          dataDir,
          adapters: opts.adapters,
          onPollerLease: (channel, held) => metrics.pollerLeases.set({ channel }, held ? 1 : 0),
          observeLlm: llmObserver(metrics, config.llm.prices),
          sendFailed: (final) => metrics.sendFailures.inc({ final: String(final) }),
          events: eventsObserver(metrics),
          toolProviders: [semanticTools, escalateTool, teamTool, ...replyModeTool, kbAdd, background.tool, sched.tool, ...(opts.toolProviders ?? [])],
          preroute: team.preroute,
          handoff: { ...createHandoffChat({ db: opened, escalated, opened: notifyOpened }), staff: createStaff(noticeDeps) },
          tasks: { ...background.commands, schedules: sched.command },
          resolver: opts.resolver,
          outbound,
          context: sem.context,
          conversationClosed: sem.conversationEnded,
          approvalDecided: (a) => (hooks.approvalDecided(a), denied(a)),
          escalation,
          scope,
          jobs: engine,
          attachments: attachmentStore,
        });
        semantic = sem;
        await gw.start();
        gateway = running = gw;
        metrics.replicaInfo.set({ replica: gw.connections.holder, version: VERSION }, 1);
        metrics.beforeScrape = snapshotGauges(metrics, { db: opened, dataDir, log: log.child({ part: "metrics" }), channels: () => gw.connections.states() });
        await engine.start();
        // Queues what waits to be embedded (a restart, a model change, an upgrade); after every queue is defined.
        await sem.start(gw.pool);
        await background.start();
        sched.start();
        retention = startRetentionTicker(engine, retentionDeps);
        // A plain interval (no job engine): an idle tick is a few indexed queries (heartbeat/README.md);
        // a reach-out goes out through the gateway's outbox and live connections.
        heartbeat = startHeartbeat({ db: opened, pool: gw.pool, log: log.child({ part: "heartbeat" }), prices: config.llm.prices, reach: gw });
        db = opened;
        if (opts.listen ?? true) server = listen(config, http, log, peers, () => db, disk);
        if ((opts.listen ?? true) && config.metrics.port > 0) metricsServer = listenMetrics(config, metrics);
        // `konstruct backup` reaches a serving embedded database through this (src/backup/control.ts).
        if (opened.mode === "embedded") control = startControl({ dataDir, db: opened, log: log.child({ part: "control" }) });
        if (opened.mode === "embedded" && config.backup.every_hours > 0)
          scheduled = (await import("../backup/schedule.ts")).startScheduledBackups({ db: opened, dataDir, everyMs: config.backup.every_hours * 3_600_000, keep: config.backup.keep, disk, log: log.child({ part: "backup" }) });
      } catch (e) {
        retention?.stop();
        retention = null;
        await triggers?.stop();
        triggers = null;
        schedules?.stop();
        schedules = null;
        await heartbeat?.stop();
        heartbeat = null;
        tasks?.stop();
        await jobs?.stop(0).catch(() => {});
        await gateway?.stop(0).catch(() => {});
        await semantic?.stop().catch(() => {});
        jobs = null;
        tasks = null;
        gateway = null;
        semantic = null;
        db = null;
        await opened.close();
        throw e;
      }
      // Start-up (migrations, provisioning, PGlite init) leaves garbage; return it before idling.
      Bun.gc(true);
      // Compiling PGlite's wasm frees tens of MB that the allocator keeps committed; Bun.shrink() (once
      // the loop is idle: a full GC, start-up's compiled code dropped, then free pages handed back to the
      // OS) returns ~6 MB of idle RSS. It runs once, at start, so a busy server is never slowed by it.
      Bun.shrink();
      log.info({ version: VERSION, database: opened.mode, port: server?.port ?? null }, "konstruct ready");
    },
    async stop() {
      metrics.beforeScrape = null;
      await metricsServer?.stop(true);
      metricsServer = null;
      control?.stop();
      control = null;
      await scheduled?.stop();
      scheduled = null;
      if (server) {
        const s = server;
        server = null;
        const graceful = s.stop(false);
        const timedOut = await Promise.race([graceful.then(() => false), Bun.sleep(config.server.shutdown_timeout_ms).then(() => true)]);
        if (timedOut) {
          log.warn("shutdown timeout reached; closing remaining connections");
          await s.stop(true);
        }
      }
      await heartbeat?.stop();
      heartbeat = null;
      await triggers?.stop();
      triggers = null;
      if (jobs) {
        const j = jobs;
        jobs = null;
        retention?.stop();
        retention = null;
        schedules?.stop();
        schedules = null;
        // Running tasks end here and are reported `failed: interrupted` by the next start (tasks/README.md).
        tasks?.stop();
        tasks = null;
        // An embedding job ends after its current batch; its job is retried (here after restart, or by another replica).
        semantic?.jobs.stop();
        await j.stop(config.server.shutdown_timeout_ms);
      }
      if (gateway) {
        const gw = gateway;
        gateway = null;
        await gw.stop(config.server.shutdown_timeout_ms);
      }
      if (semantic) {
        const s = semantic;
        semantic = null;
        await s.stop();
      }
      if (db) {
        const d = db;
        db = null;
        await d.close();
      }
      log.info("konstruct stopped");
    },
  };
  return app;
}

/** /metrics on its own address (metrics.port): scraped from a private network, never the public port. */
function listenMetrics(config: Config, metrics: Metrics): Server<undefined> {
  return Bun.serve({
    hostname: config.metrics.host,
    port: config.metrics.port,
    maxRequestBodySize: 1024,
    fetch: (req) => (new URL(req.url).pathname === "/metrics" && req.method === "GET" ? scrape(metrics, config.metrics.token, req) : new Response("not found\n", { status: 404 })),
  });
}

function listen(config: Config, http: ReturnType<typeof buildHttp>, log: Logger, peers: WeakMap<Request, string>, db: () => Database | null, disk: DiskSpace): Server<undefined> {
  try {
    return Bun.serve({
      hostname: config.server.host,
      port: config.server.port,
      // The largest body any route accepts (an admin's upload); each route's own limit is limitBody's.
      maxRequestBodySize: config.knowledge.max_upload_total_mb * 1024 * 1024 + 2 * 1024 * 1024,
      fetch: async (req, srv) => {
        const ip = srv.requestIP(req)?.address;
        let request: Request;
        try {
          request = await limitBody({ config, db, disk }, req);
        } catch (e) {
          return errorResponse(e, "", log, req);
        }
        if (ip) peers.set(request, ip);
        return http.handle(request);
      },
      error: (e) => {
        log.error({ err: e }, "request failed");
        return new Response("internal error", { status: 500 });
      },
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EADDRINUSE" || /in use/i.test(err.message))
      throw new KonstructError(
        "port_in_use",
        `port ${config.server.port} on ${config.server.host} is already in use (set server.port or KONSTRUCT_SERVER__PORT)`,
      );
    throw e;
  }
}
