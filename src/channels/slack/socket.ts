/**
 * Socket Mode: the same events over a WebSocket the app opens itself (hosts behind NAT need no
 * public URL). `apps.connections.open` goes to the configured Web API URL.
 *
 * Invariant: an `events_api` envelope is acknowledged only after `receive` has finished with a
 * non-retryable outcome — i.e. after the sink resolved (the event is durable) or the event was
 * deliberately ignored/refused. If recording failed it is left unacknowledged, so Slack redelivers
 * it; the inbox dedupes the redelivery on event_id. `interactive` envelopes (button presses) follow
 * the same rule through `interact`; other types (slash commands) are acknowledged and dropped.
 */
import type { Logger } from "pino";
import type { SlackEnvelope } from "./normalize.ts";
import { apiBase, quietLogger } from "./web.ts";

export interface SocketOptions {
  appToken: string;
  slackApiUrl?: string;
  log: Logger;
  /** The SSRF-guarded fetch for apps.connections.open (the WebSocket URL it returns is Slack's word). */
  fetch: typeof fetch;
  receive(envelope: SlackEnvelope, retryNum?: number): Promise<{ status: number }>;
  interact(payload: unknown): Promise<{ status: number }>;
}

interface SocketEvent {
  ack(response?: Record<string, unknown>): Promise<void>;
  type: string;
  envelope_id?: string;
  body?: unknown;
  retry_num?: number;
}

export async function startSocketMode(opts: SocketOptions): Promise<{ stop(): Promise<void> }> {
  const [{ SocketModeClient }, webApi] = await Promise.all([import("@slack/socket-mode"), import("@slack/web-api")]);
  const { log } = opts;
  const client = new SocketModeClient({
    appToken: opts.appToken,
    logger: quietLogger(webApi, log),
    clientOptions: { fetch: opts.fetch, ...(opts.slackApiUrl ? { slackApiUrl: apiBase(opts.slackApiUrl) } : {}) },
  });

  client.on("slack_event", async (event: SocketEvent) => {
    try {
      if (event.type === "events_api" || event.type === "interactive") {
        const outcome = event.type === "events_api" ? await opts.receive((event.body ?? {}) as SlackEnvelope, event.retry_num) : await opts.interact(event.body ?? {});
        if (outcome.status >= 500) {
          log.warn({ envelope: event.envelope_id, status: outcome.status }, "socket mode event not acknowledged; Slack will redeliver");
          return;
        }
      } else {
        log.debug({ type: event.type }, "socket mode envelope acknowledged and ignored");
      }
      await event.ack();
    } catch (e) {
      log.error({ err: e, envelope: event.envelope_id }, "socket mode event handling failed");
    }
  });

  // start() resolves on Slack's `hello`; the client reconnects on its own afterwards, so a failure
  // here is logged rather than thrown — it must not stop the rest of the appliance from starting.
  client.start().then(
    () => log.info("slack socket mode connected"),
    (e: unknown) => log.error({ err: e }, "slack socket mode could not connect"),
  );
  return {
    stop: async () => {
      await client.disconnect().catch(() => {});
    },
  };
}
