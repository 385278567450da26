/**
 * The conversation pipeline's scheduler: inbound message → durable inbox (then the channel is
 * acknowledged) → handled at once, in arrival order per chat, concurrently across chats.
 *
 * Exactly once: the inbox dedupes redeliveries and the recording process holds a lease on the
 * event; the handler records the reply before sending it and re-sends a recorded reply rather than
 * generating another. `recover()` at start, and a sweep while running, take over events whose
 * owner died; leases of events still being worked on are renewed.
 *
 * Across processes the inbox keeps a chat's order: an event recorded behind another process's
 * unfinished event of the same chat comes back `held`; it is polled (`HELD_POLL_MS`) until it heads
 * its chat, then claimed and queued like any other. Only contended chats pay for the polling.
 */
import type { Logger } from "pino";
import type { ChannelAdapter, InboundMessage, InboundSink } from "../channels/types.ts";
import type { EventHandler } from "./event-handler.ts";
import type { Inbox } from "./inbox.ts";

const HELD_POLL_MS = 25;

export interface Connection {
  tenantId: string;
  channelId: string;
  agentId: string;
  adapter: ChannelAdapter;
  /** The channel's `feedback` setting is on: answers carry 👍/👎 (feedback-buttons.ts). */
  feedback?: boolean;
  /** The channel's `voice_replies` setting is on: a voice note is answered with one (media/speak.ts). */
  voiceReplies?: boolean;
  /** The channel's kind (slack, telegram…), for /metrics. */
  kind?: string;
}

export interface PipelineDeps {
  inbox: Inbox;
  handler: EventHandler;
  log: Logger;
  /** Finds the live connection of a recorded event (recovery). */
  connection(channelId: string): Connection | undefined;
  /** Told of every arrival once durable: run now (`new`), held behind its chat, or a redelivery (/metrics). */
  arrived?(kind: string, outcome: "new" | "held" | "duplicate"): void;
}

export class Pipeline {
  private readonly chains = new Map<string, Promise<void>>();
  /** Event id → tenant, for every event this process is working on. */
  private readonly working = new Map<string, string>();
  private readonly inFlight = new Set<Promise<void>>();
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Held event id → its connection, in arrival order. */
  private readonly held = new Map<string, Connection>();
  private heldTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly deps: PipelineDeps) {}

  /** The sink one connection's adapter hands messages to; resolves once the message is durable. */
  sinkFor(conn: Connection): InboundSink {
    return async (message) => {
      const { id, duplicate, held } = await this.deps.inbox.submit(conn, message, {
        tenantId: conn.tenantId,
        kind: "inbound",
        agentId: conn.agentId,
        actor: message.sender.id,
        summary: message.text.slice(0, 200),
        data: { event: message.eventKey, chat: message.chatKey, command: message.command ?? null, attachments: message.attachments.length },
      });
      this.deps.arrived?.(conn.kind ?? "other", duplicate ? "duplicate" : held ? "held" : "new");
      if (duplicate) {
        this.deps.log.info({ channel: conn.channelId, event: message.eventKey }, "duplicate delivery acknowledged, not reprocessed");
        return;
      }
      if (held) return this.hold(conn, id);
      this.schedule(conn, id, message, false);
    };
  }

  private hold(conn: Connection, id: string): void {
    this.held.set(id, conn);
    this.heldTimer ??= setTimeout(() => void this.pollHeld(), HELD_POLL_MS);
  }

  /** Claims held events that now head their chat; forgets those another process took over. */
  private async pollHeld(): Promise<void> {
    const byTenant = new Map<string, string[]>();
    for (const [id, conn] of this.held) byTenant.set(conn.tenantId, [...(byTenant.get(conn.tenantId) ?? []), id]);
    for (const [tenantId, ids] of byTenant) {
      try {
        const { claimed, waiting } = await this.deps.inbox.claimHeld(tenantId, ids);
        for (const c of claimed) {
          const conn = this.held.get(c.id);
          if (conn && !this.working.has(c.id)) this.schedule(conn, c.id, c.message, false);
        }
        for (const id of ids) if (!waiting.has(id)) this.held.delete(id);
      } catch (e) {
        this.deps.log.warn({ err: e }, "claiming held inbound events failed");
      }
    }
    this.heldTimer = this.held.size && !this.stopped ? setTimeout(() => void this.pollHeld(), HELD_POLL_MS) : null;
  }

  /**
   * Takes over unfinished events (this process's previous life's, or expired leases); returns how
   * many. `sweep`: the periodic pass of a running process, which leaves its own claims alone.
   */
  async recover(sweep = false): Promise<number> {
    let n = 0;
    for (const { tenantId, id } of await this.deps.inbox.unfinished(sweep)) {
      if (this.working.has(id)) continue;
      const claimed = await this.deps.inbox.claim(tenantId, id, sweep);
      if (claimed) this.held.delete(id);
      if (claimed && this.working.has(id)) continue;
      const conn = claimed && this.deps.connection(claimed.channelId);
      if (!claimed) continue;
      if (!conn) {
        this.deps.log.warn({ event: id, channel: claimed.channelId }, "unfinished event of a connection that is not running; left for later");
        continue;
      }
      this.schedule(conn, id, claimed.message, true);
      n++;
    }
    if (n) this.deps.log.info({ events: n }, "resumed unfinished inbound events");
    return n;
  }

  /** Renews this process's leases and sweeps for orphaned events, every third of a lease. */
  startMaintenance(): void {
    // A third of the lease, whatever its length: two missed renewals still leave the claim alive.
    const every = Math.max(100, Math.floor(this.deps.inbox.leaseMs / 3));
    void this.deps.inbox.heartbeat().catch((e) => this.deps.log.warn({ err: e }, "inbox heartbeat failed"));
    this.timer = setInterval(() => void this.maintain().catch((e) => this.deps.log.warn({ err: e }, "inbox maintenance failed")), every);
    this.timer.unref?.();
  }

  /** Resolves when everything scheduled so far has finished (graceful stop, tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // Held events stay pending in the inbox: another process (or this one's next life) takes them.
    this.stopped = true;
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
    this.held.clear();
    await this.idle();
  }

  private async maintain(): Promise<void> {
    await this.deps.inbox.heartbeat();
    const byTenant = new Map<string, string[]>();
    for (const [id, tenantId] of this.working) byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), id]);
    for (const [tenantId, ids] of byTenant) await this.deps.inbox.renew(tenantId, ids);
    await this.recover(true);
  }

  private schedule(conn: Connection, eventId: string, message: InboundMessage, recovering: boolean) {
    // Messages of one chat are handled in arrival order; different chats run concurrently. /cancel
    // jumps the queue: it has to reach the turn it cancels.
    const key = message.command === "cancel" ? `${eventId}` : `${conn.channelId}:${message.chatKey}`;
    this.working.set(eventId, conn.tenantId);
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.deps.handler.handle(conn, eventId, message, recovering));
    const settled = next.finally(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
      this.inFlight.delete(settled);
      this.working.delete(eventId);
    });
    this.chains.set(key, settled);
    this.inFlight.add(settled);
  }
}
