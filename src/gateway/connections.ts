/**
 * Channel connections: every channel row of every tenant becomes a running adapter bound to exactly
 * one tenant and one agent. Routing needs no lookup by content: polling adapters know their
 * connection, and webhooks arrive on /hooks/<kind>/<channel id>. An unknown connection is refused
 * and logged — never routed to a default tenant. An edit applied here reaches the other replicas
 * through config-events.ts.
 */
import { and, eq, max, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { ChannelAdapter } from "../channels/types.ts";
import type { Database } from "../db/database.ts";
import { channelCursors, channels, inboundEvents, outboundMessages, tenants } from "../db/schema/index.ts";
import type { SecretBox } from "../secrets/box.ts";
import type { Connection, Pipeline } from "./pipeline.ts";
import { ConfigBus } from "./config-bus.ts";
import { leasedCursor } from "./poller-lease.ts";

// The adapter port lives with the adapters (src/channels/port.ts); re-exported for the gateway's users.
export type { AdapterContext, AdapterFactory, ChannelDefinition, CursorStore, HttpAdapter } from "../channels/port.ts";
import type { AdapterContext, AdapterFactory, ChannelDefinition, CursorStore, HttpAdapter } from "../channels/port.ts";

export class Connections {
  private readonly byId = new Map<string, Connection & { kind: string; adapter: HttpAdapter }>();
  /** Set by start(); connections (re)started later hand their messages to it. */
  private pipeline: Pipeline | null = null;
  private unlisten: () => Promise<void> = async () => {};

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly factories: Record<string, AdapterFactory>,
    private readonly log: Logger,
    private readonly fetch: typeof globalThis.fetch,
    /** server.public_url, for webhook registration; "" when the server has none. */
    private readonly publicUrl = "",
    /** Told when this replica takes (true) or loses (false) a connection's polling lease. */
    private readonly onLease?: (channelId: string, held: boolean) => void,
    /** How edits reach the other replicas (Postgres, and Redis when configured). */
    private readonly bus: ConfigBus = ConfigBus.postgres(db),
  ) {}

  /** Connections whose adapter started and has not stopped since (/metrics up/down gauges). */
  private readonly up = new Set<string>();

  /** This process among the replicas: the holder name of the polling leases it takes. */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  async load(): Promise<void> {
    const tenantIds = await this.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants));
    for (const { id: tenantId } of tenantIds) {
      const rows = await this.db.withTenant(tenantId, (tx) => tx.select().from(channels));
      for (const row of rows) await this.build(tenantId, row);
    }
  }

  /** Builds (does not start) the adapter of one channel row; false when this process does not serve its kind. */
  private async build(tenantId: string, row: typeof channels.$inferSelect): Promise<boolean> {
    const factory = this.factories[row.kind];
    if (!factory) {
      // e.g. the terminal channel of `konstruct chat`, which lives in that process only.
      this.log.info({ channel: row.id, kind: row.kind }, "channel kind not served by this process; connection not started");
      return false;
    }
    const def: ChannelDefinition = {
      tenantId,
      channelId: row.id,
      agentId: row.agentId,
      kind: row.kind,
      name: row.name,
      mode: row.mode,
      settings: row.settings,
      secrets: this.box.unsealJson(row.secrets),
    };
    const log = this.log.child({ channel: row.name, kind: row.kind });
    const webhookUrl = this.publicUrl ? `${this.publicUrl.replace(/\/+$/, "")}/hooks/${row.kind}/${row.id}` : "";
    const adapter = await factory(def, { log, cursor: this.cursor(tenantId, row.id), webhookUrl, fetch: this.fetch, ...this.deliveryHooks(tenantId, row.id) });
    this.byId.set(row.id, { tenantId, channelId: row.id, agentId: row.agentId, kind: row.kind, adapter, feedback: row.settings.feedback === "on", voiceReplies: row.settings.voice_replies === "on" });
    return true;
  }

  /**
   * Applies an edit made in the admin console while running: the connection's adapter is stopped
   * and, if the row still exists, rebuilt from it and started. Throws when the new one cannot start
   * (the caller shows why); the row stays saved and is retried at the next start.
   */
  async reload(tenantId: string, channelId: string): Promise<void> {
    try {
      await this.apply(tenantId, channelId);
    } finally {
      // The other replicas restart it too, even when it failed to start here (e.g. a token refused).
      await this.bus.publish({ kind: "channel", tenantId, id: channelId, from: this.holder }).catch((e) => this.log.warn({ err: e, channel: channelId }, "could not tell the other replicas of a channel edit"));
    }
  }

  /** Restarts one connection from its row, here only (an edit made on this or another replica). */
  private async apply(tenantId: string, channelId: string): Promise<void> {
    const old = this.byId.get(channelId);
    if (old) {
      this.byId.delete(channelId);
      this.up.delete(channelId);
      await old.adapter.stop().catch((e) => this.log.warn({ err: e, channel: channelId }, "channel connection failed to stop"));
    }
    const [row] = await this.db.withTenant(tenantId, (tx) => tx.select().from(channels).where(eq(channels.id, channelId)));
    if (!row || !this.pipeline || !(await this.build(tenantId, row))) return;
    const conn = this.byId.get(channelId)!;
    await conn.adapter.start(this.pipeline.sinkFor(conn));
    this.up.add(channelId);
    this.log.info({ channel: channelId, kind: conn.kind, tenant: tenantId, agent: conn.agentId }, "channel connection restarted");
  }

  /** The running adapter of a connection (the web chat page hands messages to its own). */
  adapter(channelId: string): HttpAdapter | undefined {
    return this.byId.get(channelId)?.adapter;
  }

  /**
   * Starts every adapter. One connection failing to start (revoked token, unreachable API) is
   * logged and left stopped; it must not keep the other tenants' connections down.
   */
  async start(pipeline: Pipeline): Promise<void> {
    this.pipeline = pipeline;
    this.unlisten = await this.bus.listen(this.holder, this.log, { channel: (e) => this.apply(e.tenantId, e.id) });
    await Promise.all(
      [...this.byId.values()].map(async (conn) => {
        try {
          await conn.adapter.start(pipeline.sinkFor(conn));
          this.up.add(conn.channelId);
          this.log.info({ channel: conn.channelId, kind: conn.kind, tenant: conn.tenantId, agent: conn.agentId }, "channel connection started");
        } catch (e) {
          this.log.error({ err: e, channel: conn.channelId, kind: conn.kind, tenant: conn.tenantId }, "channel connection failed to start");
        }
      }),
    );
  }

  /** Registers a connection this process serves itself (the terminal of `konstruct chat`). */
  add(conn: Connection & { kind: string }): void {
    this.byId.set(conn.channelId, conn);
  }

  /** Every connection this process serves, by kind and whether its adapter runs. */
  states(): { kind: string; up: boolean }[] {
    return [...this.byId.values()].map((c) => ({ kind: c.kind, up: this.up.has(c.channelId) }));
  }

  get(channelId: string): Connection | undefined {
    return this.byId.get(channelId);
  }

  /** Dispatches a webhook to its connection; refuses (404) anything that is not one. */
  async handleHttp(kind: string, channelId: string, request: Request): Promise<Response> {
    const conn = this.byId.get(channelId);
    if (!conn || conn.kind !== kind || !conn.adapter.handleHttp) {
      this.log.warn({ kind, channel: channelId }, "webhook for an unknown connection refused");
      return Response.json({ error: { code: "not_found", message: "unknown channel connection" } }, { status: 404 });
    }
    this.log.debug({ channel: channelId, tenant: conn.tenantId, agent: conn.agentId, via: "webhook path" }, "route matched");
    return conn.adapter.handleHttp(request);
  }

  async stop(): Promise<void> {
    await this.unlisten().catch(() => {});
    this.up.clear();
    await Promise.allSettled([...this.byId.values()].map((c) => c.adapter.stop()));
  }

  /** Statuses recorded against our outbox rows (by the channel's message id); the inbox's last word from a chat. */
  private deliveryHooks(tenantId: string, channelId: string): Pick<AdapterContext, "onStatus" | "lastInbound"> {
    return {
      onStatus: async ({ id, status, error }) => {
        const value = status === "failed" && error ? `failed: ${error.code}` : status.slice(0, 40);
        await this.db.withTenant(tenantId, (tx) =>
          tx.update(outboundMessages).set({ deliveryStatus: value }).where(and(eq(outboundMessages.channelId, channelId), eq(outboundMessages.externalId, id))),
        );
      },
      lastInbound: async (chatKey) => {
        const [row] = await this.db.withTenant(tenantId, (tx) =>
          tx.select({ at: max(inboundEvents.receivedAt) }).from(inboundEvents).where(and(eq(inboundEvents.channelId, channelId), sql`${inboundEvents.message}->>'chatKey' = ${chatKey}`)),
        );
        return row?.at ?? null;
      },
    };
  }

  private cursor(tenantId: string, channelId: string): CursorStore {
    return leasedCursor({ db: this.db, tenantId, channelId, holder: this.holder, onChange: (held) => this.onLease?.(channelId, held) });
  }
}
