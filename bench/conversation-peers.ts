/**
 * The third parties of bench:pipeline's conversation scenario, in their own process so their CPU is
 * not the app's: the Telegram Bot API emulator behind the test shim (test/support/telegram.ts; two
 * bots: the appliance's and the bare grammY echo's), two Slack emulators behind the bench recorder
 * (bolt echo, appliance), and the instant LLM mock. Prints one JSON line with the addresses, then
 * serves a small control API the driver uses:
 *
 *   POST /turn {target, chat, text} → a user message into that chat, then waits for the bot's reply
 *        in it and answers {ms}: user message sent → reply accepted by the emulator, both stamped here.
 *   POST /slack-url {target, url}    → where signed Slack events for that target go.
 *
 * Per chat the driver sends one message at a time (a person waits for the answer), so the n-th
 * reply in a chat answers its n-th message. Telegram replies are seen by a recorder in front of the
 * shim (sendMessage answered ok, keyed by token and chat_id); Slack's by slack-recorder (thread_ts).
 */
import { signSlack } from "../src/channels/slack/verify.ts";
import { startLlmMock } from "../test/support/llm.ts";
import { type SlackWorkspace, startSlackWorkspace } from "../test/support/slack.ts";
import { startTelegramShim } from "../test/support/telegram.ts";
import { startSlackRecorder } from "./slack-recorder.ts";

const REPLY = "On it — here is the answer.";
const now = () => performance.timeOrigin + performance.now();

const tg = await startTelegramShim({ bots: [{ username: "KonstructBenchBot" }, { username: "GrammyEchoBot" }] });
const tgToken = { "tg-konstruct": tg.bots[0]!.token, "tg-grammy": tg.bots[1]!.token } as Record<string, string>;
const slack = { bolt: await startSlackWorkspace({ botName: "bolt", spareBotTokens: 40 }), konstruct: await startSlackWorkspace({ botName: "konstruct", spareBotTokens: 40 }) } as Record<string, SlackWorkspace>;
const llm = await startLlmMock();
llm.replyAll(REPLY);

/** Chat key → resolver of the reply being waited for (one at a time per chat). */
const waiting = new Map<string, (at: number) => void>();
const arrived = (key: string, at: number) => {
  const w = waiting.get(key);
  waiting.delete(key);
  w?.(at);
};

const tgRecorder = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  idleTimeout: 60,
  async fetch(req) {
    const { pathname, search } = new URL(req.url);
    const body = req.method === "GET" ? undefined : await req.arrayBuffer();
    const res = await fetch(`${tg.apiRoot}${pathname}${search}`, { method: req.method, headers: req.headers, body });
    const out = await res.arrayBuffer();
    const m = /^\/bot([^/]+)\/sendMessage$/.exec(pathname);
    if (m && res.ok && body) {
      const chat = String((JSON.parse(new TextDecoder().decode(body)) as { chat_id: unknown }).chat_id);
      arrived(`${m[1]}/${chat}`, now());
    }
    return new Response(out, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" } });
  },
});
const slackRecorder = startSlackRecorder(
  (pathname) => {
    const [, target, ...rest] = pathname.split("/");
    const ws = slack[target!];
    return ws ? { ws, path: `/${rest.join("/")}` } : null;
  },
  (thread, at) => arrived(`slack/${thread}`, at),
);

const slackUrl: Record<string, string> = {};
let seq = 0;

async function slackSend(target: string, thread: string, text: string): Promise<void> {
  const ws = slack[target]!;
  const n = ++seq;
  const ts = `${1_800_000_000 + Math.floor(n / 1_000_000)}.${String(n % 1_000_000).padStart(6, "0")}`;
  const body = JSON.stringify({
    token: "x",
    team_id: ws.teamId,
    api_app_id: ws.appId,
    type: "event_callback",
    event_id: `EvC${n.toString(36).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: "app_mention", user: ws.human.userId, text: `<@${ws.bot.userId}> ${text}`, ts, thread_ts: thread, channel: ws.channel, event_ts: ts },
  });
  const stamp = Math.floor(Date.now() / 1000);
  const res = await fetch(slackUrl[target]!, {
    method: "POST",
    headers: { "content-type": "application/json", "x-slack-request-timestamp": String(stamp), "x-slack-signature": signSlack(ws.signingSecret, stamp, body) },
    body,
  });
  if (res.status !== 200) throw new Error(`slack event answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

async function turn(target: string, chat: string, text: string): Promise<number> {
  const slackTarget = target.startsWith("slack-") ? target.slice(6) : null;
  const key = slackTarget ? `slack/${chat}` : `${tgToken[target]}/${chat}`;
  if (waiting.has(key)) throw new Error(`chat ${key} already has a message waiting for its reply`);
  const reply = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => (waiting.delete(key), reject(new Error(`no reply in ${target} chat ${chat} within 30 s`))), 30_000);
    waiting.set(key, (at) => (clearTimeout(timer), resolve(at)));
  });
  const t0 = now();
  if (slackTarget) await slackSend(slackTarget, chat, text);
  else await tg.userSends(Number(chat), text, { token: tgToken[target] });
  return (await reply) - t0;
}

const control = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  idleTimeout: 60,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    const body = (await req.json()) as Record<string, string>;
    if (path === "/slack-url") return (slackUrl[body.target!] = body.url!), Response.json({ ok: true });
    if (path === "/turn") {
      try {
        return Response.json({ ms: await turn(body.target!, body.chat!, body.text!) });
      } catch (e) {
        return Response.json({ error: (e as Error).message }, { status: 500 });
      }
    }
    return new Response("not found", { status: 404 });
  },
});

const describe = (t: string) => {
  const ws = slack[t]!;
  return { apiUrl: `http://127.0.0.1:${slackRecorder.port}/${t}/api/`, botToken: ws.bot.token, signingSecret: ws.signingSecret, teamId: ws.teamId, channel: ws.channel, humanUserId: ws.human.userId };
};
console.log(
  JSON.stringify({
    controlUrl: `http://127.0.0.1:${control.port}`,
    llmUrl: llm.url,
    telegram: { apiRoot: `http://127.0.0.1:${tgRecorder.port}`, konstructToken: tgToken["tg-konstruct"], grammyToken: tgToken["tg-grammy"] },
    slack: { bolt: describe("bolt"), konstruct: describe("konstruct") },
  }),
);
