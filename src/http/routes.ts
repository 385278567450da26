/**
 * Every HTTP route of the appliance, on one screen. One handler per file under routes/.
 *
 *   GET /              status page (admin console takes over in a later issue)
 *   GET /healthz       liveness
 *   GET /readyz        readiness: data_dir not full, database reachable, schema current
 *   GET /metrics       Prometheus metrics
 *   GET /static/:file  CSS and other assets compiled into the binary
 *   POST /hooks/trigger/:id         event trigger webhooks (src/triggers/: signed, deduplicated)
 *   POST /hooks/:kind/:channelId   channel webhooks (Slack Events API, Telegram webhook, WhatsApp)
 *   GET  /hooks/:kind/:channelId   webhook verification handshakes (WhatsApp hub.challenge)
 *   POST /v1/chat/completions, GET /v1/models   OpenAI-compatible API (src/openai/: its own API keys)
 *   GET /widget/:id.js, POST /widget/:id/{session,messages,poll}   website chat widget (src/widget/: origins, visitor tokens)
 *   /setup /login /logout /invite /admin/* /api/v1/*   admin console and API (admin/routes.ts);
 *                      everything from here down is behind admin auth (first run, CSRF)
 *   knowledge base (tenant = slug or id; read: its operators, write: its admins — routes/kb/tenant.ts):
 *   POST   /api/v1/kb/:tenant/documents       upload (multipart `file`), 201 / 200 when a duplicate
 *   GET    /api/v1/kb/:tenant/documents[/:id] documents with status and progress
 *   DELETE /api/v1/kb/:tenant/documents/:id   delete a document and its chunks
 *   GET    /api/v1/kb/:tenant/search?q=       hybrid search, passages with citations
 *   GET    /kb/:tenant/partials/{panel,documents}, POST /kb/:tenant/partials/upload   htmx partials
 */
import { Elysia } from "elysia";
import type { Logger } from "pino";
import { adminAuth } from "../admin/auth/plugin.ts";
import { type AdminDeps, adminConsole } from "../admin/routes.ts";
import type { Config } from "../config/schema.ts";
import type { SecretBox } from "../secrets/box.ts";
import type { Database } from "../db/database.ts";
import type { Connections } from "../gateway/connections.ts";
import type { LlmPool } from "../llm/pool.ts";
import { errorResponse } from "./errors.ts";
import { setSecurityHeaders } from "./security-headers.ts";
import type { Metrics } from "./metrics.ts";
import { healthz } from "./routes/healthz.ts";
import { home } from "./routes/home.tsx";
import { hooks } from "./routes/hooks.ts";
import { triggerHooks } from "./routes/triggers.ts";
import type { Triggers } from "../triggers/index.ts";
import { kbDocuments } from "./routes/kb/documents.ts";
import { kbPartials } from "./routes/kb/partials.tsx";
import { kbRemove } from "./routes/kb/remove.ts";
import { kbSearch } from "./routes/kb/search.ts";
import type { KbDeps } from "./routes/kb/tenant.ts";
import { kbUpload } from "./routes/kb/upload.ts";
import { metrics } from "./routes/metrics.ts";
import { openAiApi } from "../openai/routes.ts";
import { widgetRoutes } from "../widget/routes.ts";
import { readyz } from "./routes/readyz.ts";
import { staticAssets } from "./routes/static.ts";
import type { Outbound } from "../net/outbound.ts";
import type { DiskSpace } from "../db/disk-space.ts";

export interface HttpDeps {
  config: Config;
  log: Logger;
  metrics: Metrics;
  version: string;
  /** Null until the database is open and migrated. */
  db: () => Database | null;
  /** Null until the channel connections are loaded. */
  connections: () => Connections | null;
  /** Null until started. */
  secrets: () => SecretBox | null;
  /** The gateway's LLM pool (admin console: providers saved and tested live); null until started. */
  pool: () => LlmPool | null;
  /** The gateway's turn pipeline (the Agent Designer's preview); null until started. */
  turn: AdminDeps["turn"];
  /** The remote address of the connection a request came on (null in-process). */
  peer: (request: Request) => string | null;
  /** Null until memory and knowledge are up. */
  knowledge: KbDeps["knowledge"];
  /** The gateway's approval flow (admin console: approve / deny); null until started. */
  approvals: AdminDeps["approvals"];
  /** The gateway's outbox and connections (console replies to a handoff); null until started. */
  reach: AdminDeps["reach"];
  attachments: AdminDeps["attachments"];
  handoffMeasures?: AdminDeps["handoffMeasures"];
  /** The gateway's skill catalogue (the Skills page); null until started. */
  skills: AdminDeps["skills"];
  /** The SSRF guard: URLs a console form saves are checked, and Test buttons go through it. */
  outbound: Outbound;
  /** data_dir's free space: /readyz and uploads refuse below disk.min_free_mb. */
  disk: DiskSpace;
  /** Event triggers (webhooks, console); null until started. */
  triggers: () => Triggers | null;
}

export function buildHttp(deps: HttpDeps) {
  const started = new WeakMap<Request, number>();
  return new Elysia()
    .onRequest(({ request, set }) => {
      started.set(request, performance.now());
      setSecurityHeaders(set.headers);
    })
    .onAfterResponse(({ request, route, set, responseValue }) => {
      const t0 = started.get(request);
      const method = request.method;
      const label = route || "unmatched";
      // A handler that returns its own Response (a 401, a redirect) leaves `set.status` untouched.
      const status = responseValue instanceof Response ? responseValue.status : Number(set.status ?? 200);
      deps.metrics.httpRequests.inc({ method, route: label, status: String(status) });
      if (t0 !== undefined) deps.metrics.httpDuration.observe({ method, route: label }, (performance.now() - t0) / 1000);
      // The route's pattern, never the URL: a query string or a path segment may carry a token.
      if (deps.config.log.access) deps.log.info({ method, route: label, status, ms: t0 === undefined ? null : Math.round(performance.now() - t0) }, "http request");
    })
    .onError(({ error, code, request }) => errorResponse(error, code, deps.log, request))
    .use(healthz())
    .use(readyz(deps))
    .use(metrics(deps))
    .use(staticAssets())
    .use(triggerHooks(deps))
    .use(hooks(deps))
    .use(openAiApi(deps))
    .use(widgetRoutes(deps))
    // Everything below is behind admin auth: principal, CSRF, first-run redirect (admin/auth/plugin.ts).
    .use(adminAuth(deps))
    .use(adminConsole(deps))
    .use(kbUpload(deps))
    .use(kbDocuments(deps))
    .use(kbRemove(deps))
    .use(kbSearch(deps))
    .use(kbPartials(deps))
    .use(home({ version: deps.version, dbMode: () => deps.db()?.mode ?? "starting" }));
}
