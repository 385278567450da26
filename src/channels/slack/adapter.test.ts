import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { capturingContext as testContext, type SlackWorkspace, slackDefinition, slackEvents, startSlackWorkspace } from "../../../test/support/slack.ts";
import type { ChannelDefinition } from "../port.ts";
import type { InboundMessage } from "../types.ts";
import { createSlackAdapter, type SlackAdapter } from "./adapter.ts";

let ws: SlackWorkspace;
let adapter: SlackAdapter;
let logs: ReturnType<typeof testContext>;
let received: InboundMessage[] = [];
let sinkImpl: (m: InboundMessage) => Promise<void>;

async function started(def: ChannelDefinition, sink = async (m: InboundMessage) => sinkImpl(m)) {
  const t = testContext();
  const a = createSlackAdapter(def, t.ctx);
  await a.start(sink);
  return { adapter: a, ...t };
}

beforeAll(async () => {
  ws = await startSlackWorkspace({ teamId: "T0ACME" });
  ({ adapter, ...logs } = await started(slackDefinition(ws)));
});
afterAll(async () => {
  await adapter.stop();
  await ws.stop();
});
beforeEach(() => {
  received = [];
  sinkImpl = async (m) => void received.push(m);
  logs.lines.length = 0;
});

describe("Slack adapter over HTTP (against the emulator)", () => {
  test("learns who it is from auth.test", () => {
    expect(adapter.identity).toEqual({ userId: ws.bot.userId, botId: ws.bot.botId, teamId: "T0ACME", appId: ws.appId });
    expect(adapter.capabilities).toMatchObject({ threads: true, typing: false, maxMessageLength: 4000 });
  });

  test("url_verification answers the challenge", async () => {
    const res = await adapter.handleHttp(ws.signed({ token: "x", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  test("app_mention is handed on as one thread, mention stripped", async () => {
    const env = slackEvents.appMention(ws, { text: "summarise the incident" });
    const res = await adapter.handleHttp(ws.signed(env));
    expect(res.status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ eventKey: env.event_id, chatKey: `${ws.channel}:${env.event.ts}`, replyTo: env.event.ts, text: "summarise the incident", sender: { id: ws.human.userId } });
  });

  test("a DM is handed on with the DM as its chat", async () => {
    const env = slackEvents.dm(ws, { text: "/new" });
    expect((await adapter.handleHttp(ws.signed(env))).status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ chatKey: ws.dm, command: "new", text: "/new" });
    expect(received[0]!.replyTo).toBeUndefined();
  });

  test("a shared file arrives as attachment metadata", async () => {
    const env = slackEvents.fileShare(ws, { text: "see attached", files: [{ id: "F0LOG", name: "build.log", mimetype: "text/plain", size: 2048 }] });
    expect((await adapter.handleHttp(ws.signed(env))).status).toBe(200);
    expect(received.map((m) => [m.text, m.attachments])).toEqual([["see attached", [{ name: "build.log", mime: "text/plain", size: 2048, ref: "F0LOG" }]]]);
  });

  test("a reply in a thread the bot posted in is handed on (found via conversations.replies)", async () => {
    const root = await ws.post("human", ws.channel, "the build is red");
    await ws.post("bot", ws.channel, "looking into it", root);
    const env = slackEvents.threadReply(ws, { threadTs: root, text: "any news?" });
    expect((await adapter.handleHttp(ws.signed(env))).status).toBe(200);
    expect(received.map((m) => [m.chatKey, m.replyTo, m.text])).toEqual([[`${ws.channel}:${root}`, root, "any news?"]]);
  });

  test("a reply in a thread the bot is not part of is ignored with 200", async () => {
    const root = await ws.post("human", ws.channel, "lunch?");
    await ws.post("human", ws.channel, "sure", root);
    const res = await adapter.handleHttp(ws.signed(slackEvents.threadReply(ws, { threadTs: root, text: "12:30" })));
    expect(res.status).toBe(200);
    expect(received).toEqual([]);
  });

  test("a thread we were mentioned in is remembered before we even answered", async () => {
    const root = await ws.post("human", ws.channel, "question for the bot");
    await adapter.handleHttp(ws.signed(slackEvents.appMention(ws, { threadTs: root, text: "can you help?" })));
    await adapter.handleHttp(ws.signed(slackEvents.threadReply(ws, { threadTs: root, text: "more detail" })));
    expect(received.map((m) => m.text)).toEqual(["can you help?", "more detail"]);
  });

  test("bot messages, our own messages and edits are acknowledged but not handed on", async () => {
    for (const env of [slackEvents.botMessage(ws), slackEvents.ownMessage(ws), slackEvents.dm(ws, { user: ws.bot.userId }), slackEvents.messageChanged(ws, { editedTs: "1700000000.000100" })]) {
      expect((await adapter.handleHttp(ws.signed(env))).status).toBe(200);
    }
    expect(received).toEqual([]);
  });

  test("a channel mention arriving as app_mention and message is taken once", async () => {
    const ts = "1700000001.000200";
    const [a, b] = [slackEvents.appMention(ws, { ts, text: "hi" }), slackEvents.mentionMessage(ws, { ts, text: "hi" })];
    for (const env of [b, a]) expect((await adapter.handleHttp(ws.signed(env))).status).toBe(200);
    expect(received.map((m) => m.eventKey)).toEqual([a.event_id]);
  });

  test("bad signature, stale timestamp and missing headers → 401, nothing handed on", async () => {
    const env = slackEvents.dm(ws);
    const forged = ws.signed(env);
    forged.headers.set("x-slack-signature", `v0=${"0".repeat(64)}`);
    const stale = ws.signed(env, { ts: Math.floor(Date.now() / 1000) - 6 * 60 });
    const bare = new Request("http://localhost/hooks/slack/channel-1", { method: "POST", body: JSON.stringify(env), headers: { "content-type": "application/json" } });
    const reasons = [];
    for (const req of [forged, stale, bare]) {
      const res = await adapter.handleHttp(req);
      expect(res.status).toBe(401);
      reasons.push(((await res.json()) as { error: string }).error);
    }
    expect(reasons).toEqual(["bad signature", "stale timestamp", "missing signature headers"]);
    expect(received).toEqual([]);
  });

  test("malformed JSON → 400", async () => {
    const res = await adapter.handleHttp(ws.signed('{"type": "event_callback", '));
    expect(res.status).toBe(400);
    expect(received).toEqual([]);
  });

  test("a sink failure → 500, and Slack's retry of the same event_id is handed on", async () => {
    const env = slackEvents.dm(ws, { text: "important" });
    sinkImpl = async () => {
      throw new Error("database unavailable");
    };
    expect((await adapter.handleHttp(ws.signed(env))).status).toBe(500);
    sinkImpl = async (m) => void received.push(m);
    expect((await adapter.handleHttp(ws.signed(env, { retryNum: 1 }))).status).toBe(200);
    expect(received.map((m) => m.eventKey)).toEqual([env.event_id]);
  });

  test("an event from another team is refused and logged", async () => {
    const otherTeam = slackEvents.dm(ws, { teamId: "T0EVIL" });
    expect((await adapter.handleHttp(ws.signed(otherTeam))).status).toBe(403);
    expect(received).toEqual([]);
    expect(logs.logged("slack event for another workspace refused")).toHaveLength(1);
  });

  test("a signed event addressed to another app or bot user is acknowledged and not processed", async () => {
    const otherApp = { ...slackEvents.dm(ws), api_app_id: "A0EVIL" };
    const noApp = { ...slackEvents.dm(ws), api_app_id: undefined };
    const otherBot = { ...slackEvents.dm(ws), authorizations: [{ team_id: ws.teamId, user_id: "U0OTHERBOT", is_bot: true }] };
    for (const env of [otherApp, noApp, otherBot]) expect((await adapter.handleHttp(ws.signed(env))).status).toBe(200);
    expect(received).toEqual([]);
    expect(logs.logged("slack event addressed to another app ignored")).toHaveLength(3);
    const ours = { ...slackEvents.dm(ws), authorizations: [{ team_id: ws.teamId, user_id: ws.bot.userId, is_bot: true }] };
    expect((await adapter.handleHttp(ws.signed(ours))).status).toBe(200);
    expect(received.map((m) => m.eventKey)).toEqual([ours.event_id]);
  });

  test("interactive payloads (form-encoded) are acknowledged and ignored for now", async () => {
    const body = `payload=${encodeURIComponent(JSON.stringify({ type: "block_actions" }))}`;
    const req = ws.signed(body);
    const form = new Request(req.url, { method: "POST", body, headers: { ...Object.fromEntries(req.headers), "content-type": "application/x-www-form-urlencoded" } });
    expect((await adapter.handleHttp(form)).status).toBe(200);
    expect(received).toEqual([]);
  });
});

describe("Slack adapter lifecycle and routing", () => {
  test("before start: url_verification works, events get 503", async () => {
    const t = testContext();
    const cold = createSlackAdapter(slackDefinition(ws), t.ctx);
    expect((await cold.handleHttp(ws.signed({ type: "url_verification", challenge: "c" }))).status).toBe(200);
    expect((await cold.handleHttp(ws.signed(slackEvents.dm(ws)))).status).toBe(503);
  });

  test("two workspaces: each connection takes only its own team's events", async () => {
    const ws2 = await startSlackWorkspace({ teamId: "T0GLOBEX" });
    const got: InboundMessage[] = [];
    const other = await started(slackDefinition(ws2, { channelId: "channel-2" }), async (m) => void got.push(m));
    try {
      expect(other.adapter.identity?.teamId).toBe("T0GLOBEX");
      expect((await other.adapter.handleHttp(ws2.signed(slackEvents.dm(ws2)))).status).toBe(200);
      // Signed with the right secret but carrying the first workspace's team: refused.
      expect((await other.adapter.handleHttp(ws2.signed(slackEvents.dm(ws2, { teamId: ws.teamId })))).status).toBe(403);
      expect(got).toHaveLength(1);
      expect(received).toEqual([]);
    } finally {
      await other.adapter.stop();
      await ws2.stop();
    }
  });

  test("a configured team_id that differs from the token's team refuses everything, with an error logged", async () => {
    const def = slackDefinition(ws);
    const wrong = await started({ ...def, settings: { ...def.settings, team_id: "T0CONFIGURED" } });
    try {
      expect(wrong.logged("slack team_id does not match the bot token's team; all events will be refused")).toHaveLength(1);
      expect((await wrong.adapter.handleHttp(ws.signed(slackEvents.dm(ws)))).status).toBe(403);
      expect((await wrong.adapter.handleHttp(ws.signed(slackEvents.dm(ws, { teamId: "T0CONFIGURED" })))).status).toBe(403);
      expect(received).toEqual([]);
    } finally {
      await wrong.adapter.stop();
    }
  });

  test("auth.test failing at start: start resolves, events are 503, the token never appears in logs", async () => {
    const def = slackDefinition(ws, { settings: { api_url: "http://127.0.0.1:9/api/" } });
    const down = await started(def);
    try {
      expect((await down.adapter.handleHttp(ws.signed(slackEvents.dm(ws)))).status).toBe(503);
      expect(down.logged("slack auth.test failed; events are refused until it succeeds")).toHaveLength(1);
      expect(JSON.stringify(down.lines)).not.toContain(ws.bot.token);
    } finally {
      await down.adapter.stop();
    }
  });
});
