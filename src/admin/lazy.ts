/**
 * Console handlers are loaded on first use: the route table (routes.ts) is registered at start,
 * but a page's module — its views, queries and validation — is imported only when someone opens
 * it. An idle appliance then carries none of the console's code (the idle RSS budget is tight),
 * and a handler is a plain function of (deps, ctx), testable without Elysia.
 */
import type { Outbound } from "../net/outbound.ts";
import type { Cookie } from "elysia";
import type { Semantic } from "../app/semantic.ts";
import type { ApprovalFlow } from "../gateway/approval-flow.ts";
import type { Connections } from "../gateway/connections.ts";
import type { HandoffMeasures } from "../handoff/types.ts";
import type { Reach } from "../heartbeat/deliver.ts";
import type { LlmPool } from "../llm/pool.ts";
import type { TurnDeps } from "../agent/loop.ts";
import type { SkillCatalog } from "../skills/catalog.ts";
import type { AdminAuthDeps } from "./auth/plugin.ts";
import type { ClientInfo } from "./auth/client.ts";
import type { Principal } from "./auth/principal.ts";

/** What adminAuth and Elysia put in front of every console handler. */
export interface AdminContext {
  request: Request;
  principal: Principal | null;
  csrfToken: string;
  client: ClientInfo;
  sessionId: string | null;
  cookie: Record<string, Cookie<unknown>>;
  body: unknown;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  set: { status?: number | string };
}

/** What console handlers get: auth's deps, plus the running gateway parts the pages act on. */
import type { AttachmentStore } from "../media/attachments.ts";

export type ConsoleDeps = AdminAuthDeps & {
  /** The running channel connections (restarted after a channel is saved); null until started. */
  connections: () => Connections | null;
  /** The gateway's LLM pool (providers saved and tested live); null until started. */
  pool: () => LlmPool | null;
  /** What an agent turn needs, as the gateway runs it (the Designer's preview); null until started. */
  turn: () => TurnDeps | null;
  /** Memory and knowledge (the Knowledge page); null until started. */
  knowledge: () => Semantic | null;
  /** The gateway's approval flow (deciding continues the paused turn); null until started. */
  approvals: () => Pick<ApprovalFlow, "decide"> | null;
  /** The gateway's skill catalogue (reloaded after a console save); null when not running. */
  skills: () => SkillCatalog | null;
  /** The SSRF guard: URLs the forms save are checked, the Test buttons go through it. */
  outbound: Outbound;
  /** The gateway's outbox and live connections (a person's reply to a handoff); null until started. */
  reach: () => Reach | null;
  /** Files users sent (the transcript's downloads); null until started. */
  attachments: () => AttachmentStore | null;
  /** Feeds the handoff measures of /metrics (first reply, close). */
  handoffMeasures?: HandoffMeasures;
};

export type Handler = (deps: ConsoleDeps, ctx: AdminContext) => unknown;

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface LazyRoute {
  method: Method;
  path: string;
  load: () => Promise<Handler>;
}

export const lazyRoute = (method: Method, path: string, load: () => Promise<Handler>): LazyRoute => ({ method, path, load });
