/**
 * Every widget API request passes here first, in this order: the widget exists and is enabled (404 /
 * 403) → the Origin header is one of its allowed origins, exactly (403; a request without one is
 * refused too) → the per-IP limit (429; polls have a bucket of their own). Then, for a visitor's own requests, the visitor token (401)
 * and the per-visitor limit (429). The widget is found in the running connections, which carry its
 * tenant: no database read, and no way to name another tenant's agent or conversation.
 */
import type { Logger } from "pino";
import { clientInfo } from "../admin/auth/client.ts";
import { WidgetAdapter } from "../channels/widget/adapter.ts";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import type { AttachmentStore } from "../media/attachments.ts";
import type { Connections } from "../gateway/connections.ts";
import type { BucketStore } from "../gateway/limits/bucket.ts";
import { MemoryBucketStore } from "../gateway/limits/memory.ts";
import { WidgetError } from "./http.ts";
import { verifyVisitor } from "./token.ts";

export interface WidgetDeps {
  config: Config;
  log: Logger;
  db: () => Database | null;
  connections: () => Connections | null;
  peer: (request: Request) => string | null;
  /** Where visitors' files are kept (media/attachments.ts); null until the app has started. */
  attachments: () => AttachmentStore | null;
}

export interface Widget {
  id: string;
  tenantId: string;
  agentId: string;
  adapter: WidgetAdapter;
  db: Database;
  origin: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function widgetGuard(deps: WidgetDeps) {
  let store: Promise<BucketStore> | null = null;
  const buckets = () =>
    (store ??= deps.config.redis.url
      ? import("../gateway/limits/redis.ts").then((m) => m.createRedisBucketStore(deps.config.redis.url, { log: deps.log }))
      : Promise.resolve(new MemoryBucketStore()));

  async function limit(key: string, bucket: { capacity: number; refill_per_sec: number }, what: string): Promise<void> {
    const taken = await (await buckets()).take(key, bucket.capacity, bucket.refill_per_sec);
    if (taken.allowed) return;
    const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
    throw new WidgetError(429, "rate_limited", `Too many messages ${what}; try again in ${seconds} s.`, { "retry-after": String(seconds) });
  }

  /** The running widget `id`, if it exists and is enabled (no origin check: the script itself is public). */
  function find(id: string): Omit<Widget, "origin" | "db"> & { db: Database } {
    const db = deps.db();
    const connections = deps.connections();
    if (!db || !connections) throw new WidgetError(503, "unavailable", "starting; try again in a moment");
    const conn = UUID.test(id) ? connections.get(id) : undefined;
    const adapter = conn ? connections.adapter(id) : undefined;
    if (!conn || !(adapter instanceof WidgetAdapter)) throw new WidgetError(404, "not_found", "unknown widget");
    if (!adapter.enabled) throw new WidgetError(403, "disabled", "This chat widget is switched off.");
    return { id, tenantId: conn.tenantId, agentId: conn.agentId, adapter, db };
  }

  return {
    find,
    /** The widget, for an allowed origin, within the per-IP limit. */
    async open(id: string, request: Request, use: "send" | "poll"): Promise<Widget> {
      const widget = find(id);
      const origin = request.headers.get("origin");
      if (!origin || !widget.adapter.origins.has(origin))
        throw new WidgetError(403, "origin_not_allowed", `This site (${(origin ?? "no Origin header").slice(0, 200)}) is not on the chat widget's list of allowed origins; an administrator can add it in the console.`);
      const ip = clientInfo(deps.config, request, deps.peer(request)).ip;
      // Polls are frequent by design (one per reply awaited, and on opening): a bucket of their own, four times as large.
      const { capacity, refill_per_sec } = deps.config.widget.ip;
      if (use === "send") await limit(`widget:ip:${ip}`, deps.config.widget.ip, "from this address");
      else await limit(`widget:poll:${ip}`, { capacity: capacity * 4, refill_per_sec: refill_per_sec * 4 }, "from this address");
      return { ...widget, origin };
    },
    /** The visitor a token proves for this widget, within the per-visitor limit if `limited`. */
    async visitor(widget: Widget, token: unknown, limited: boolean): Promise<string> {
      const visitorId = verifyVisitor(widget.adapter.visitorKey, widget.id, token);
      if (!visitorId) throw new WidgetError(401, "bad_token", "This chat session is not valid here; reload the page to start a new one.");
      if (limited) await limit(`widget:visitor:${widget.id}:${visitorId}`, deps.config.widget.visitor, "in this chat");
      return visitorId;
    },
  };
}

export type WidgetGuard = ReturnType<typeof widgetGuard>;
