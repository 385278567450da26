/**
 * The third parties of bench:pipeline, in their own process so their CPU is not the load
 * generator's: the Slack Web API emulator, the LLM mock (answers at once), and a thin recorder in
 * front of the emulator that notes when each chat.postMessage arrives (keyed by thread_ts). Prints
 * one JSON line with the addresses, then serves until killed.
 */
import { startLlmMock } from "../test/support/llm.ts";
import { startSlackWorkspace } from "../test/support/slack.ts";

const ws = await startSlackWorkspace({ botName: "konstruct" });
const llm = await startLlmMock();
llm.replyAll("On it — here is the answer.");

let replies: [string, number][] = [];
const recorder = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const { pathname, search } = new URL(req.url);
    if (pathname === "/_replies") {
      const out = replies;
      replies = [];
      return Response.json(out);
    }
    const body = req.method === "GET" ? undefined : await req.text();
    const res = await fetch(`${ws.url}${pathname}${search}`, { method: req.method, headers: req.headers, body });
    const text = await res.text();
    if (pathname === "/api/chat.postMessage" && body) {
      const at = performance.timeOrigin + performance.now();
      const thread = req.headers.get("content-type")?.includes("json") ? JSON.parse(body).thread_ts : new URLSearchParams(body).get("thread_ts");
      if (thread) replies.push([thread, at]);
    }
    return new Response(text, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" } });
  },
});

console.log(
  JSON.stringify({
    apiUrl: `http://127.0.0.1:${recorder.port}/api/`,
    repliesUrl: `http://127.0.0.1:${recorder.port}/_replies`,
    llmUrl: llm.url,
    botToken: ws.bot.token,
    botUserId: ws.bot.userId,
    signingSecret: ws.signingSecret,
    teamId: ws.teamId,
    appId: ws.appId,
    channel: ws.channel,
    humanUserId: ws.human.userId,
  }),
);
