/**
 * A real Slack Web API peer for tests: the `emulate` Slack emulator on an ephemeral loopback port,
 * seeded with one workspace — a bot (app + bot user + xoxb token), a human (xoxp token), a public
 * channel both are in, and a DM between them — plus builders for signed Events API requests.
 *
 * Why it looks like this: the emulator keeps real state (chat.postMessage, conversations.replies…)
 * but never delivers events to us (it has no way to register an event subscription), has no Socket
 * Mode, answers unknown methods with 404, and accepts ANY non-empty token (unknown tokens act as
 * its admin user), so `invalid_auth` cannot be produced. Tests therefore sign inbound events
 * themselves. Every emulator instance reports team T000000001; a tiny proxy in front of it rewrites
 * auth.test's team_id (so two workspaces, two instances, can be told apart), hides message metadata
 * unless asked for as Slack does, and can hold chat.postMessage answers (frontingProxy).
 *
 * Usage:
 *   const ws = await startSlackWorkspace({ teamId: "T0ACME" });
 *   const def = slackDefinition(ws);                       // settings/secrets for the adapter
 *   await adapter.handleHttp(ws.signed(slackEvents.appMention(ws, { text: "hi" })));
 *   await ws.messages(ws.channel, threadTs);               // what the bot posted, oldest first
 *   await ws.stop();
 */
import { loopbackOutbound } from "./outbound.ts";
import { randomBytes } from "node:crypto";
import { createEmulator } from "emulate";
import pino from "pino";
import type { AdapterContext, ChannelDefinition } from "../../src/gateway/connections.ts";
import { signSlack } from "../../src/channels/slack/verify.ts";
import { nullCursor } from "./cursor.ts";

export interface SlackMessage {
  type: string;
  user?: string;
  bot_id?: string;
  text: string;
  ts: string;
  thread_ts?: string;
  subtype?: string;
  blocks?: { type: string; elements?: { type: string; action_id?: string; value?: string; url?: string; text?: { text: string } }[]; text?: { text: string } }[];
  edited?: { user: string; ts: string };
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface SlackWorkspace {
  /** Base URL of the peer (emulator or its team-rewriting proxy). */
  url: string;
  /** What the adapter's `settings.api_url` / WebClient `slackApiUrl` should be. */
  apiUrl: string;
  teamId: string;
  appId: string;
  signingSecret: string;
  bot: { userId: string; botId: string; token: string; spareTokens?: string[] };
  human: { userId: string; name: string; token: string };
  /** A public channel with the human and the bot in it. */
  channel: string;
  /** The DM between the human and the bot. */
  dm: string;
  /** Calls a Web API method on the emulator as the human (default) or the bot. */
  api(method: string, params: Record<string, string>, as?: "human" | "bot"): Promise<Record<string, unknown>>;
  /** Posts a message for real (state in the emulator); returns its ts. */
  post(as: "human" | "bot", channel: string, text: string, threadTs?: string): Promise<string>;
  /** Top-level history of a channel, or the messages of one thread (with their metadata); oldest first. */
  messages(channel: string, threadTs?: string): Promise<SlackMessage[]>;
  /** A signed Events API request carrying `envelope`, signed with this workspace's secret. */
  signed(envelope: unknown, opts?: SignOptions): Request;
  /** From now on chat.postMessage is stored but not answered until releaseAnswers(). */
  holdAnswers(): void;
  releaseAnswers(): void;
  /** Posts accepted (stored) while answers were held. */
  heldAccepted(): number;
  stop(): Promise<void>;
}

export interface SignOptions {
  /** Unix seconds for x-slack-request-timestamp (default: now). */
  ts?: number;
  /** Adds x-slack-retry-num (and x-slack-retry-reason), as Slack does on redelivery. */
  retryNum?: number;
  url?: string;
}

const EMULATOR_TEAM = "T000000001";
const id = (prefix: string) => `${prefix}${randomBytes(5).toString("hex").toUpperCase()}`;

/**
 * `spareBotTokens`: more tokens for the same bot user. The emulator caps every token at 5,000
 * requests an hour (a GitHub-style limit Slack does not have), so a benchmark rotates among them.
 */
export async function startSlackWorkspace(opts: { teamId?: string; botName?: string; spareBotTokens?: number } = {}): Promise<SlackWorkspace> {
  const teamId = opts.teamId ?? EMULATOR_TEAM;
  const botName = opts.botName ?? "konstruct";
  const botToken = () => `xoxb-${randomBytes(12).toString("hex")}`;
  const bot = { userId: id("U"), botId: id("B"), token: botToken(), spareTokens: Array.from({ length: opts.spareBotTokens ?? 0 }, botToken) };
  const humanToken = `xoxp-${randomBytes(12).toString("hex")}`;
  const appId = id("A");
  const emulator = await createEmulator({
    service: "slack",
    port: 0,
    seed: {
      slack: {
        team: { name: `Workspace ${teamId}`, domain: teamId.toLowerCase() },
        users: [{ name: "alice", real_name: "Alice Example" }],
        channels: [{ name: "support" }],
        oauth_apps: [
          { client_id: `${appId}.1`, client_secret: "unused", name: "Konstruct", app_id: appId, bot_id: bot.botId, bot_user_id: bot.userId, bot_name: botName, redirect_uris: ["http://localhost/cb"] },
        ],
        tokens: [
          ...[bot.token, ...bot.spareTokens].map((token) => ({ token, user: bot.userId, bot_id: bot.botId, app_id: appId })),
          { token: humanToken, user: "alice" },
        ],
      },
    },
  });
  let hold = newHold();
  const proxy = frontingProxy(emulator.url, teamId, () => hold);
  const url = `http://127.0.0.1:${proxy.port}`;

  const api = async (method: string, params: Record<string, string>, as: "human" | "bot" = "human") => {
    const res = await fetch(`${url}/api/${method}`, {
      method: "POST",
      headers: { authorization: `Bearer ${as === "bot" ? bot.token : humanToken}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (json.ok !== true) throw new Error(`emulator ${method}: ${String(json.error ?? res.status)}`);
    return json;
  };

  const who = (await api("auth.test", {})) as { user_id: string };
  const list = (await api("conversations.list", { types: "public_channel" })) as { channels: { id: string; name: string }[] };
  const channel = list.channels.find((c) => c.name === "support")!.id;
  await api("conversations.join", { channel }, "bot");
  const dm = ((await api("conversations.open", { users: bot.userId })) as { channel: { id: string } }).channel.id;
  const signingSecret = randomBytes(16).toString("hex");

  return {
    url,
    apiUrl: `${url}/api/`,
    teamId,
    appId,
    signingSecret,
    bot,
    human: { userId: who.user_id, name: "alice", token: humanToken },
    channel,
    dm,
    api,
    post: async (as, ch, text, threadTs) => (await api("chat.postMessage", { channel: ch, text, ...(threadTs ? { thread_ts: threadTs } : {}) }, as)).ts as string,
    messages: async (ch, threadTs) => {
      if (threadTs) return (await api("conversations.replies", { channel: ch, ts: threadTs, include_all_metadata: "true" }, "bot")).messages as SlackMessage[];
      return ((await api("conversations.history", { channel: ch, limit: "1000", include_all_metadata: "true" }, "bot")).messages as SlackMessage[]).reverse();
    },
    signed: (envelope, o) => signedEvent(signingSecret, envelope, o),
    holdAnswers: () => {
      hold = newHold();
      hold.on = true;
    },
    releaseAnswers: () => {
      hold.on = false;
      hold.release();
    },
    heldAccepted: () => hold.accepted,
    stop: async () => {
      hold.release();
      proxy.stop(true);
      await emulator.close();
    },
  };
}

/**
 * Fronts the emulator with what it lacks of Slack's documented behaviour:
 *  - auth.test reports this workspace's team id (two instances can be told apart);
 *  - conversations.history/replies leave message `metadata` out unless `include_all_metadata` is
 *    true, as Slack does (the emulator always includes it);
 *  - files: the emulator names its own origin in url_private(_download); those are rewritten to this
 *    proxy's (the one host the workspace has, like Slack's file host) and file bytes pass untouched;
 *  - `hold`: chat.postMessage is accepted (stored by the emulator) but its answer is held until
 *    released — the window in which a process can die after Slack has a reply it never saw confirmed.
 */
function frontingProxy(target: string, teamId: string, current: () => Hold) {
  return Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      // At teardown the client or the emulator may hang up mid-request (ECONNRESET): answer 502
      // instead of letting the error escape, which bun reports as "unhandled error between tests".
      try {
        const { pathname, search } = new URL(req.url);
        const raw = req.method === "GET" ? undefined : await req.arrayBuffer();
        const res = await fetch(`${target}${pathname}${search}`, { method: req.method, headers: req.headers, body: raw });
        if (pathname.startsWith("/files-pri/")) return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
        let body = await res.text();
        if (pathname.startsWith("/api/files.")) body = body.replaceAll(JSON.stringify(target).slice(1, -1), new URL(req.url).origin);
        const reply = (text: string) => new Response(text, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" } });
        if (pathname === "/api/auth.test") return Response.json({ ...JSON.parse(body), team_id: teamId }, { status: res.status });
        const held = current();
        if (pathname === "/api/chat.postMessage" && held.on) {
          held.accepted++;
          await held.released;
          return reply(body);
        }
        if ((pathname === "/api/conversations.history" || pathname === "/api/conversations.replies") && !wantsMetadata(req.headers.get("content-type"), raw, search)) {
          const json = JSON.parse(body) as { messages?: Record<string, unknown>[] };
          for (const m of json.messages ?? []) delete m.metadata;
          return Response.json(json, { status: res.status });
        }
        return reply(body);
      } catch {
        return new Response("proxy: upstream unavailable", { status: 502 });
      }
    },
    error: () => new Response("proxy error", { status: 502 }),
  });
}

interface Hold {
  on: boolean;
  accepted: number;
  released: Promise<void>;
  release: () => void;
}

function newHold(): Hold {
  const h = { on: false, accepted: 0 } as Hold;
  h.released = new Promise<void>((r) => (h.release = r));
  return h;
}

function wantsMetadata(contentType: string | null, raw: ArrayBuffer | undefined, search: string): boolean {
  const text = raw ? new TextDecoder().decode(raw) : "";
  const value = contentType?.includes("json") ? String((JSON.parse(text || "{}") as Record<string, unknown>).include_all_metadata ?? "") : (new URLSearchParams(text).get("include_all_metadata") ?? new URLSearchParams(search).get("include_all_metadata") ?? "");
  return value === "true" || value === "1";
}

/** The channel row an adapter for this workspace would be built from. */
/** Uploads a file as the human for real (getUploadURLExternal → upload → completeUploadExternal); returns its id. */
export async function uploadFile(ws: SlackWorkspace, bytes: Uint8Array, filename: string, channel = ws.channel): Promise<string> {
  const start = await ws.api("files.getUploadURLExternal", { filename, length: String(bytes.byteLength) });
  const put = await fetch(String(start.upload_url), { method: "POST", body: bytes });
  if (put.status !== 200) throw new Error(`upload failed: HTTP ${put.status}`);
  const done = await ws.api("files.completeUploadExternal", { files: JSON.stringify([{ id: String(start.file_id), title: filename }]), channel_id: channel });
  if (!done.ok) throw new Error(`completeUploadExternal: ${String(done.error)}`);
  return String(start.file_id);
}

export function slackDefinition(ws: SlackWorkspace, over: Partial<ChannelDefinition> & { appToken?: string } = {}): ChannelDefinition {
  const { appToken, ...rest } = over;
  return {
    tenantId: "tenant-1",
    channelId: "channel-1",
    agentId: "agent-1",
    kind: "slack",
    name: "slack-test",
    mode: "events",
    settings: { api_url: ws.apiUrl, team_id: ws.teamId },
    secrets: { bot_token: ws.bot.token, signing_secret: ws.signingSecret, ...(appToken ? { app_token: appToken } : {}) },
    ...rest,
  };
}

/** An AdapterContext whose log lines (pino JSON, level debug) are kept for assertions. */
export function capturingContext() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "debug" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const ctx: AdapterContext = { log, cursor: nullCursor(), webhookUrl: "", fetch: loopbackOutbound().fetch };
  return { ctx, lines, logged: (msg: string) => lines.filter((l) => l.msg === msg) };
}

/** A POST as Slack's Events API sends it: raw JSON body, v0 signature over exactly those bytes. */
export function signedEvent(secret: string, envelope: unknown, opts: SignOptions = {}): Request {
  const body = typeof envelope === "string" ? envelope : JSON.stringify(envelope);
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": signSlack(secret, ts, body),
  };
  if (opts.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(opts.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  return new Request(opts.url ?? "http://localhost/hooks/slack/channel-1", { method: "POST", headers, body });
}

/**
 * A signed interactive request as Slack sends it when someone presses a button: form-encoded
 * `payload=<json>` on the same Request URL, v0 signature over the form body.
 */
export function signedInteraction(ws: Pick<SlackWorkspace, "signingSecret" | "teamId" | "appId" | "human">, message: SlackMessage & { channel: string }, actionId: string, o: { user?: string; url?: string; ts?: number } = {}): Request {
  const button = message.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId);
  if (!button) throw new Error(`signedInteraction: no button '${actionId}' on message ${message.ts}`);
  const user = o.user ?? ws.human.userId;
  const payload = {
    type: "block_actions",
    team: { id: ws.teamId, domain: ws.teamId.toLowerCase() },
    user: { id: user, username: user === ws.human.userId ? "alice" : "someone", name: user === ws.human.userId ? "alice" : "someone", team_id: ws.teamId },
    api_app_id: ws.appId,
    token: "deprecated-verification-token",
    container: { type: "message", message_ts: message.ts, channel_id: message.channel, is_ephemeral: false, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) },
    trigger_id: `${Date.now()}.${randomBytes(4).toString("hex")}`,
    channel: { id: message.channel, name: "conversation" },
    message: { type: "message", ts: message.ts, text: message.text, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}), blocks: message.blocks },
    response_url: "http://127.0.0.1:9/unused",
    actions: [{ type: "button", action_id: actionId, block_id: "b1", text: { type: "plain_text", text: button.text?.text ?? "" }, value: button.value, action_ts: `${Date.now() / 1000}` }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const ts = o.ts ?? Math.floor(Date.now() / 1000);
  return new Request(o.url ?? "http://localhost/hooks/slack/channel-1", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(ts), "x-slack-signature": signSlack(ws.signingSecret, ts, body) },
    body,
  });
}

// ─── Envelope builders ──────────────────────────────────────────────────────────────────────────
// Shapes follow Slack's Events API payloads. Each builder returns a complete `event_callback`
// envelope with a fresh event_id; pass `eventId` to simulate a redelivery of the same event.

type Ws = Pick<SlackWorkspace, "teamId" | "appId" | "channel" | "dm" | "bot" | "human">;
interface Common {
  text?: string;
  ts?: string;
  user?: string;
  channel?: string;
  eventId?: string;
  teamId?: string;
}

let tsCounter = 0;
/**
 * A fresh, increasing Slack message ts ("seconds.micro"). The emulator numbers its own messages
 * `<now>.000001, .000002…`; ours count from .500000 so the two never collide.
 */
export function slackTs(): string {
  return `${Math.floor(Date.now() / 1000)}.${String(500_000 + (++tsCounter % 500_000)).padStart(6, "0")}`;
}

function envelope<E extends { ts?: string }>(ws: Ws, o: Common, event: E) {
  return {
    token: "deprecated-verification-token",
    team_id: o.teamId ?? ws.teamId,
    api_app_id: ws.appId,
    type: "event_callback",
    event_id: o.eventId ?? `Ev${randomBytes(6).toString("hex").toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { ...event, event_ts: event.ts },
  };
}

function msg(ws: Ws, o: Common & { threadTs?: string }, channelType: string, defaults: { channel: string }) {
  const ts = o.ts ?? slackTs();
  return {
    type: "message",
    user: o.user ?? ws.human.userId,
    text: o.text ?? "hello",
    ts,
    channel: o.channel ?? defaults.channel,
    channel_type: channelType,
    ...(o.threadTs ? { thread_ts: o.threadTs } : {}),
  };
}

export const slackEvents = {
  /** `@bot text` in the workspace channel (top level, or inside `threadTs`). */
  appMention(ws: Ws, o: Common & { threadTs?: string } = {}) {
    const ts = o.ts ?? slackTs();
    const text = `<@${ws.bot.userId}> ${o.text ?? "hello"}`;
    return envelope(ws, o, { type: "app_mention", user: o.user ?? ws.human.userId, text, ts, channel: o.channel ?? ws.channel, ...(o.threadTs ? { thread_ts: o.threadTs } : {}) });
  },
  /** The `message` event Slack sends alongside an app_mention for the same channel message. */
  mentionMessage(ws: Ws, o: Common & { threadTs?: string } = {}) {
    return envelope(ws, o, msg(ws, { ...o, text: `<@${ws.bot.userId}> ${o.text ?? "hello"}` }, "channel", { channel: ws.channel }));
  },
  /** A plain channel message (no mention); with `threadTs` it is a thread reply. */
  channelMessage(ws: Ws, o: Common & { threadTs?: string } = {}) {
    return envelope(ws, o, msg(ws, o, "channel", { channel: ws.channel }));
  },
  threadReply(ws: Ws, o: Common & { threadTs: string }) {
    return envelope(ws, o, msg(ws, o, "channel", { channel: ws.channel }));
  },
  /** A direct message to the bot (top level, or inside `threadTs`). */
  dm(ws: Ws, o: Common & { threadTs?: string } = {}) {
    return envelope(ws, o, msg(ws, o, "im", { channel: ws.dm }));
  },
  /** Another app's message (subtype bot_message, bot_id set). */
  botMessage(ws: Ws, o: Common & { threadTs?: string } = {}) {
    const { user: _u, ...m } = msg(ws, o, "channel", { channel: ws.channel });
    return envelope(ws, o, { ...m, subtype: "bot_message", bot_id: "B0OTHERBOT" });
  },
  /** Our own bot's message as Slack echoes it back (user = bot user, bot_id = our bot). */
  ownMessage(ws: Ws, o: Common & { threadTs?: string } = {}) {
    return envelope(ws, o, { ...msg(ws, { ...o, user: ws.bot.userId }, "im", { channel: ws.dm }), bot_id: ws.bot.botId });
  },
  /** An edit of `ts` (hidden message_changed event). */
  messageChanged(ws: Ws, o: Common & { editedTs: string }) {
    const ts = slackTs();
    return envelope(ws, o, {
      type: "message",
      subtype: "message_changed",
      hidden: true,
      channel: o.channel ?? ws.dm,
      channel_type: "im",
      ts,
      message: { type: "message", user: o.user ?? ws.human.userId, text: o.text ?? "edited", ts: o.editedTs, edited: { user: ws.human.userId, ts } },
      previous_message: { type: "message", user: o.user ?? ws.human.userId, text: "before", ts: o.editedTs },
    });
  },
  /** A reaction (`:+1:`, `:thumbsdown::skin-tone-2:`…) by the human on message `itemTs` written by `itemUser` (our bot by default). */
  reaction(ws: Ws, o: Common & { itemTs: string; reaction: string; removed?: boolean; itemUser?: string }) {
    const { eventId: _e, ...rest } = o;
    return {
      ...envelope(ws, o, {}),
      event: {
        type: rest.removed ? "reaction_removed" : "reaction_added",
        user: rest.user ?? ws.human.userId,
        reaction: rest.reaction,
        item_user: rest.itemUser ?? ws.bot.userId,
        item: { type: "message", channel: rest.channel ?? ws.dm, ts: rest.itemTs },
        event_ts: slackTs(),
      },
    };
  },
  /** A file shared in the DM (subtype file_share) with its metadata. */
  fileShare(ws: Ws, o: Common & { threadTs?: string; files?: { id: string; name: string; mimetype?: string; size?: number }[] } = {}) {
    const files = o.files ?? [{ id: "F0REPORT01", name: "report.pdf", mimetype: "application/pdf", size: 12_345 }];
    return envelope(ws, o, { ...msg(ws, { text: "", ...o }, "im", { channel: ws.dm }), subtype: "file_share", files });
  },
};
