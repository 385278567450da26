/**
 * The transports of configuration events (config-events.ts). On an external database every notice
 * goes out over Postgres NOTIFY; with `redis.url` set it also goes out over Redis pub/sub at the
 * same moment, so the other replicas hear it from whichever arrives first: Redis needs no database
 * connection or transaction (a busy pool delays neither the edit's notice nor its delivery), and
 * Postgres stays the fallback — a Redis that is down or a replica without Redis still gets it.
 *
 * Invariants: each notice carries a random nonce `n`; a listener applies a nonce once, whichever
 * transport brought it first (remembered for the last `SEEN` notices — far more than can cross in
 * flight). A publish fails only when every transport failed. The embedded database (one process)
 * opens no Redis connection and sends nothing.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import { CONFIG_EVENTS, type ConfigEdit, type ConfigEvent, type ConfigHandlers, listenConfigEvents, parseConfigEvent, publishConfigEvent } from "./config-events.ts";
import { connectRedis } from "./limits/redis.ts";

const SEEN = 1024;
export type Transport = "redis" | "postgres";

export class ConfigBus {
  private readonly listeners = new Set<(payload: string, via: Transport) => void>();
  /** First deliveries by transport (tests, and a hint of which one carries the edits). */
  readonly heard: Record<Transport, number> = { redis: 0, postgres: 0 };

  private constructor(
    private readonly db: Database,
    private readonly redis: { pub: Redis; sub: Redis; log: Logger; channel: string } | null,
  ) {}

  /** Postgres only (no Redis configured, or the embedded database). */
  static postgres(db: Database): ConfigBus {
    return new ConfigBus(db, null);
  }

  /**
   * With `redisUrl`, on an external database: two Redis connections (a subscriber cannot publish).
   * `channel` is the Redis channel (Postgres NOTIFY is per database already): every replica of an
   * install uses the default; tests sharing one Redis with other test processes use their own.
   */
  static async open(db: Database, redisUrl: string | undefined, log: Logger, channel = CONFIG_EVENTS): Promise<ConfigBus> {
    if (!redisUrl || !db.driver.listen) return ConfigBus.postgres(db);
    const pub = await connectRedis(redisUrl, { log, name: "konstruct-config" });
    const sub = await connectRedis(redisUrl, { log, name: "konstruct-config-sub" }).catch(async (e) => (pub.disconnect(), Promise.reject(e)));
    const bus = new ConfigBus(db, { pub, sub, log, channel });
    // ioredis subscribes again by itself after a reconnect.
    sub.on("message", (_channel: string, payload: string) => bus.dispatch(payload, "redis"));
    await sub.subscribe(channel);
    return bus;
  }

  async publish(e: ConfigEdit & { from: string }): Promise<void> {
    const notice: ConfigEvent = { ...e, n: crypto.randomUUID() };
    const sent = await Promise.allSettled([
      publishConfigEvent(this.db, notice),
      this.redis ? this.redis.pub.publish(this.redis.channel, JSON.stringify(notice)) : Promise.resolve(0),
    ]);
    const failed = sent.filter((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed.length === sent.length) throw failed[0]!.reason;
    if (failed.length) this.redis?.log.warn({ err: failed[0]!.reason }, "a configuration notice went out over one transport only");
  }

  /** Calls the handler of every edit another replica made, once per notice; resolves to the function that stops. */
  async listen(self: string, log: Logger, handlers: ConfigHandlers): Promise<() => Promise<void>> {
    const seen = new Set<string>();
    const onPayload = (payload: string, via: Transport) => {
      const e = parseConfigEvent(payload);
      if (!e) return log.warn({ bytes: payload.length, via }, "malformed configuration event ignored");
      if (e.from === self) return;
      if (e.n) {
        if (seen.has(e.n)) return;
        seen.add(e.n);
        if (seen.size > SEEN) seen.delete(seen.values().next().value!);
      }
      this.heard[via]++;
      const apply = handlers[e.kind] as ((e: ConfigEvent) => Promise<void>) | undefined;
      apply?.(e).catch((err) => log.warn({ err, kind: e.kind }, "configuration edited on another replica failed to apply here"));
    };
    this.listeners.add(onPayload);
    const unlisten = await listenConfigEvents(this.db, (payload) => onPayload(payload, "postgres"));
    return async () => {
      this.listeners.delete(onPayload);
      await unlisten();
    };
  }

  async close(): Promise<void> {
    if (!this.redis) return;
    for (const r of [this.redis.sub, this.redis.pub]) await r.quit().catch(() => r.disconnect());
  }

  private dispatch(payload: string, via: Transport): void {
    for (const l of this.listeners) l(payload, via);
  }
}
