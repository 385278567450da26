/**
 * The Slack channel adapter (kind "slack"): Events API over HTTP, or Socket Mode (`mode: socket`),
 * and replies through chat.postMessage.
 *
 * Invariants:
 * - Nothing reaches the sink unless its signature verified (HTTP) and its team/app are this
 *   connection's; another team is refused (403) and logged, never processed. An event addressed to
 *   another app or bot user (api_app_id, authorizations) is acknowledged and ignored: Slack must not
 *   retry it or count it as a failure of a shared request URL.
 * - Slack is acknowledged only after the sink resolved (the event is durable); if the sink throws
 *   the answer is 500 so Slack retries, and the inbox dedupes retries on event_id.
 * - Until auth.test has told us who we are, events are answered 503: without our own user id we
 *   could not tell our messages from others' and might answer ourselves.
 * - @slack/* is imported on start only; an appliance without Slack connections never loads it.
 * Sending is in send.ts, classification in normalize.ts, signatures in verify.ts.
 */
import type { WebClient } from "@slack/web-api";
import type { AdapterContext, ChannelDefinition, HttpAdapter } from "../port.ts";
import type { ChannelCapabilities, InboundSink } from "../types.ts";
import { type BlockActionsPayload, classifyInteraction } from "./interactive.ts";
import { addressedElsewhere, classify, routeMismatch, type SlackEnvelope, type SlackIdentity } from "./normalize.ts";
import { startSocketMode } from "./socket.ts";
import { toMrkdwn } from "./mrkdwn.ts";
import { createSender, target } from "./send.ts";
import { inThread, ThreadMemory } from "./threads.ts";
import { verifySlackRequest } from "./verify.ts";
import { createWebClient, toSendError } from "./web.ts";
import { downloadSlackFile } from "./download.ts";

export const SLACK_CAPABILITIES: ChannelCapabilities = { threads: true, buttons: true, files: true, edits: true, typing: false, maxMessageLength: 4000 };

export type SlackAdapter = HttpAdapter & { handleHttp(request: Request): Promise<Response>; readonly identity: SlackIdentity | undefined };

type Outcome = { status: number; error?: string };

export function createSlackAdapter(def: ChannelDefinition, ctx: AdapterContext): SlackAdapter {
  const log = ctx.log;
  const threads = new ThreadMemory();
  let web: WebClient | undefined;
  let me: SlackIdentity | undefined;
  let sink: InboundSink | undefined;
  let socket: { stop(): Promise<void> } | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const { send, findSent } = createSender(() => web, threads, SLACK_CAPABILITIES.maxMessageLength, log);

  async function identify(attempt: number): Promise<void> {
    try {
      const res = await web!.auth.test();
      const appId = (res.app_id as string | undefined) ?? (await appOf(web!, res.bot_id));
      me = { userId: res.user_id!, botId: res.bot_id, teamId: res.team_id, appId };
    } catch (e) {
      const delay = Math.min(60_000, 1000 * 2 ** attempt);
      log.error({ error: toSendError(e, "auth.test").message, retryInMs: delay }, "slack auth.test failed; events are refused until it succeeds");
      if (!stopped) retryTimer = setTimeout(() => void identify(attempt + 1), delay);
      return;
    }
    log.info({ team: me.teamId, botUser: me.userId, bot: me.botId, app: me.appId }, "slack identity");
    if (def.settings.team_id && def.settings.team_id !== me.teamId) {
      log.error({ configured: def.settings.team_id, token: me.teamId }, "slack team_id does not match the bot token's team; all events will be refused");
    }
    // The socket opens only once we know who we are (see the invariant above) and not after stop().
    if (def.mode === "socket" && !stopped) await openSocket();
  }

  async function openSocket(): Promise<void> {
    if (!def.secrets.app_token) {
      log.error("slack socket mode needs secrets.app_token; no events will arrive");
      return;
    }
    try {
      socket = await startSocketMode({ appToken: def.secrets.app_token, slackApiUrl: def.settings.api_url, log, fetch: ctx.fetch, receive, interact });
    } catch (e) {
      log.error({ err: e }, "slack socket mode could not start");
    }
  }

  /** The path both transports share, after authentication. */
  async function receive(envelope: SlackEnvelope, retryNum?: number): Promise<Outcome> {
    if (envelope.type !== "event_callback") {
      log.debug({ type: envelope.type }, "slack envelope ignored");
      return { status: 200 };
    }
    if (!me || !web || !sink) return { status: 503, error: "connection not ready" };
    const mismatch = routeMismatch(envelope, me, def.settings.team_id);
    if (mismatch) {
      log.warn({ event: envelope.event_id, team: envelope.team_id, app: envelope.api_app_id, reason: mismatch }, "slack event for another workspace refused");
      return { status: 403, error: "event is not for this connection" };
    }
    const elsewhere = addressedElsewhere(envelope, me);
    if (elsewhere) {
      log.warn({ event: envelope.event_id, app: envelope.api_app_id, reason: elsewhere }, "slack event addressed to another app ignored");
      return { status: 200 };
    }
    const c = classify(envelope, me);
    if (c.kind === "ignored") {
      log.debug({ event: envelope.event_id, reason: c.reason, retry: retryNum }, "slack event ignored");
      return { status: 200 };
    }
    if (c.kind === "thread") {
      let taking: boolean;
      try {
        taking = await inThread(threads, web, me, c.channel, c.threadTs);
      } catch (e) {
        log.warn({ event: envelope.event_id, error: toSendError(e, "conversations.replies").message }, "could not check thread participation");
        return { status: 500, error: "could not check the thread; retry" };
      }
      if (!taking) {
        log.debug({ event: envelope.event_id }, "slack thread reply ignored: the bot is not part of the thread");
        return { status: 200 };
      }
    }
    try {
      await sink(c.message);
    } catch (e) {
      log.error({ err: e, event: envelope.event_id }, "slack event could not be recorded");
      return { status: 500, error: "event not recorded; retry" };
    }
    if (c.kind === "message" && c.thread) threads.remember(c.thread.channel, c.thread.threadTs);
    log.debug({ event: envelope.event_id, chat: c.message.chatKey, retry: retryNum }, "slack event recorded");
    return { status: 200 };
  }

  /** A button press (block_actions), over HTTP or Socket Mode; other interactions are acknowledged and ignored. */
  async function interact(payload: BlockActionsPayload): Promise<Outcome> {
    if (!me || !sink) return { status: 503, error: "connection not ready" };
    const c = classifyInteraction(payload, me, def.settings.team_id);
    if ("ignored" in c) {
      log.debug({ reason: c.ignored }, "slack interaction ignored");
      return { status: 200 };
    }
    try {
      await sink(c.message);
    } catch (e) {
      log.error({ err: e }, "slack interaction could not be recorded");
      return { status: 500, error: "not recorded; retry" };
    }
    return { status: 200 };
  }

  async function interaction(body: string): Promise<Response> {
    let payload: BlockActionsPayload;
    try {
      payload = JSON.parse(new URLSearchParams(body).get("payload") ?? "null") ?? {};
    } catch {
      return Response.json({ error: "malformed payload" }, { status: 400 });
    }
    const outcome = await interact(payload);
    return outcome.error ? Response.json({ error: outcome.error }, { status: outcome.status }) : new Response(null, { status: outcome.status });
  }

  async function handleHttp(request: Request): Promise<Response> {
    if (request.method !== "POST") return Response.json({ error: "method not allowed" }, { status: 405 });
    const body = await request.text();
    const verdict = verifySlackRequest(def.secrets.signing_secret ?? "", request, body);
    if (!verdict.ok) {
      log.warn({ reason: verdict.reason }, "slack request refused");
      return Response.json({ error: verdict.reason }, { status: 401 });
    }
    if ((request.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded")) return interaction(body);
    let envelope: unknown;
    try {
      envelope = JSON.parse(body);
    } catch {
      return Response.json({ error: "malformed JSON" }, { status: 400 });
    }
    if (!envelope || typeof envelope !== "object" || Array.isArray(envelope)) return Response.json({ error: "expected a JSON object" }, { status: 400 });
    const env = envelope as SlackEnvelope;
    if (env.type === "url_verification") return Response.json({ challenge: env.challenge ?? "" });
    const retry = Number(request.headers.get("x-slack-retry-num") ?? "") || undefined;
    const outcome = await receive(env, retry);
    return outcome.error ? Response.json({ error: outcome.error }, { status: outcome.status }) : new Response(null, { status: outcome.status });
  }

  return {
    capabilities: SLACK_CAPABILITIES,
    get identity() {
      return me;
    },
    async start(s: InboundSink) {
      sink = s;
      stopped = false;
      if (def.mode !== "events" && def.mode !== "socket") log.warn({ mode: def.mode }, "unknown slack mode; receiving over HTTP only");
      const mod = await import("@slack/web-api");
      web = createWebClient(mod, def.secrets.bot_token ?? "", def.settings.api_url, log, ctx.fetch);
      await identify(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await socket?.stop();
      socket = undefined;
      sink = undefined;
    },
    send,
    findSent,
    typing: async () => {},
    async download(attachment, maxBytes, signal) {
      if (!web) throw new Error("slack connection not started");
      return downloadSlackFile({ web, token: def.secrets.bot_token ?? "", apiUrl: def.settings.api_url, fetch: ctx.fetch }, attachment, maxBytes, signal);
    },
    async edit(chatKey, externalId, text) {
      if (!web) throw new Error("slack connection not started");
      try {
        await web.chat.update({ channel: target({ chatKey }).channel, ts: externalId, text: toMrkdwn(text), blocks: [] });
      } catch (e) {
        throw toSendError(e, "chat.update");
      }
    },
    handleHttp,
  };
}

/** auth.test names the app only for some tokens; bots.info names it for every bot (null when it cannot tell). */
async function appOf(web: WebClient, botId: string | undefined): Promise<string | undefined> {
  if (!botId) return undefined;
  const res = await web.bots.info({ bot: botId }).catch(() => undefined);
  return res?.bot?.app_id;
}
