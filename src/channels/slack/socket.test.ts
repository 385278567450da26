/**
 * Socket Mode against a small stand-in for Slack: the emulator has no Socket Mode, so this peer
 * implements the documented protocol — `apps.connections.open` (app token) returns a ws:// URL,
 * the socket sends `hello`, then `events_api` envelopes `{ envelope_id, type, payload,
 * retry_attempt }`, and expects `{ envelope_id }` back as the acknowledgement.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { ServerWebSocket } from "bun";
import { capturingContext, slackEvents } from "../../../test/support/slack.ts";
import type { ChannelDefinition } from "../port.ts";
import type { InboundMessage } from "../types.ts";
import { createSlackAdapter } from "./adapter.ts";

const ws = { teamId: "T0ACME", appId: "A0KONST", channel: "C0SUPPORT", dm: "D0ALICE", bot: { userId: "U0BOT", botId: "B0BOT", token: "xoxb-bot" }, human: { userId: "U0ALICE", name: "alice", token: "" } };
const APP_TOKEN = "xapp-1-test";

function fakeSlack() {
  const acks: { envelope_id: string; at: number }[] = [];
  const openedWith: string[] = [];
  const sockets = new Set<ServerWebSocket<unknown>>();
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req, srv) {
      const path = new URL(req.url).pathname;
      if (path === "/link") return srv.upgrade(req) ? undefined : new Response("upgrade failed", { status: 400 });
      if (path === "/api/apps.connections.open") {
        openedWith.push(req.headers.get("authorization") ?? "");
        return Response.json({ ok: true, url: `ws://127.0.0.1:${srv.port}/link` });
      }
      if (path === "/api/auth.test") return Response.json({ ok: true, user_id: ws.bot.userId, bot_id: ws.bot.botId, team_id: ws.teamId, app_id: ws.appId });
      return Response.json({ ok: false, error: "unknown_method" }, { status: 404 });
    },
    websocket: {
      open(socket) {
        sockets.add(socket);
        socket.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "stand-in" }, connection_info: { app_id: ws.appId } }));
        connected();
      },
      message(_socket, data) {
        acks.push({ envelope_id: (JSON.parse(String(data)) as { envelope_id: string }).envelope_id, at: Date.now() });
      },
      close(socket) {
        sockets.delete(socket);
      },
    },
  });
  return {
    apiUrl: `http://127.0.0.1:${server.port}/api/`,
    acks,
    openedWith,
    ready,
    deliver(envelopeId: string, payload: unknown, retryAttempt = 0, type = "events_api") {
      for (const s of sockets) s.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: false, retry_attempt: retryAttempt, retry_reason: "" }));
    },
    stop: () => server.stop(true),
  };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await Bun.sleep(10);
  }
};

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function socketAdapter(sink: (m: InboundMessage) => Promise<void>) {
  const slack = fakeSlack();
  const t = capturingContext();
  const def: ChannelDefinition = {
    ...{ tenantId: "t", channelId: "c", agentId: "a", kind: "slack", name: "slack-socket", mode: "socket" },
    settings: { api_url: slack.apiUrl, team_id: ws.teamId },
    secrets: { bot_token: ws.bot.token, signing_secret: "unused-in-socket-mode", app_token: APP_TOKEN },
  };
  const adapter = createSlackAdapter(def, t.ctx);
  cleanup.push(async () => {
    await adapter.stop();
    slack.stop();
  });
  await adapter.start(sink);
  await slack.ready;
  return { slack, adapter, ...t };
}

describe("Slack Socket Mode", () => {
  test("connects with the app token at the configured API URL; acks only after the sink resolved", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const got: InboundMessage[] = [];
    let sinkDoneAt = 0;
    const { slack } = await socketAdapter(async (m) => {
      got.push(m);
      await gate;
      sinkDoneAt = Date.now();
    });
    expect(slack.openedWith).toEqual([`Bearer ${APP_TOKEN}`]);

    const env = slackEvents.appMention(ws, { text: "status please", ts: "1700000000.000100" });
    slack.deliver("env-1", env);
    await until(() => got.length === 1);
    await Bun.sleep(150);
    expect(slack.acks).toEqual([]);
    release();
    await until(() => slack.acks.length === 1);
    expect(slack.acks[0]!.envelope_id).toBe("env-1");
    expect(slack.acks[0]!.at).toBeGreaterThanOrEqual(sinkDoneAt);
    // Same normalisation as over HTTP.
    expect(got[0]).toMatchObject({ eventKey: env.event_id, chatKey: "C0SUPPORT:1700000000.000100", replyTo: "1700000000.000100", text: "status please" });
  });

  test("a failing sink leaves the envelope unacknowledged; the redelivery is acked", async () => {
    let fail = true;
    const got: InboundMessage[] = [];
    const { slack, logged } = await socketAdapter(async (m) => {
      if (fail) throw new Error("db down");
      got.push(m);
    });
    const env = slackEvents.dm(ws, { text: "hello" });
    slack.deliver("env-2", env);
    await until(() => logged("socket mode event not acknowledged; Slack will redeliver").length === 1);
    expect(slack.acks).toEqual([]);
    fail = false;
    slack.deliver("env-3", env, 1);
    await until(() => slack.acks.length === 1);
    expect(slack.acks[0]!.envelope_id).toBe("env-3");
    expect(got.map((m) => m.eventKey)).toEqual([env.event_id]);
  });

  test("ignored and foreign events are acked without reaching the sink", async () => {
    const got: InboundMessage[] = [];
    const { slack } = await socketAdapter(async (m) => void got.push(m));
    slack.deliver("env-bot", slackEvents.botMessage(ws));
    slack.deliver("env-edit", slackEvents.messageChanged(ws, { editedTs: "1700000000.000100" }));
    slack.deliver("env-foreign", slackEvents.dm(ws, { teamId: "T0EVIL" }));
    await until(() => slack.acks.length === 3);
    expect(slack.acks.map((a) => a.envelope_id).sort()).toEqual(["env-bot", "env-edit", "env-foreign"]);
    expect(got).toEqual([]);
  });

  test("a button press (interactive envelope) reaches the sink as an action, then is acked", async () => {
    const got: InboundMessage[] = [];
    const { slack } = await socketAdapter(async (m) => void got.push(m));
    const press = {
      type: "block_actions",
      team: { id: ws.teamId },
      api_app_id: ws.appId,
      user: { id: ws.human.userId, name: "alice" },
      channel: { id: ws.dm },
      container: { type: "message", message_ts: "1700000000.000200", channel_id: ws.dm },
      message: { ts: "1700000000.000200" },
      actions: [{ action_id: "kapv:x:approve", value: "kapv:x:approve", action_ts: "1700000001.1" }],
    };
    slack.deliver("env-press", press, 0, "interactive");
    slack.deliver("env-foreign-press", { ...press, team: { id: "T0EVIL" } }, 0, "interactive");
    await until(() => slack.acks.length === 2);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ chatKey: ws.dm, sender: { id: ws.human.userId }, action: { id: "kapv:x:approve", messageId: "1700000000.000200" } });
  });
});
