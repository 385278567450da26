/**
 * The third parties of bench:pipeline, in their own process so their CPU is not the load
 * generator's: two Slack Web API emulators (one workspace per target, so the baseline and the
 * appliance each meet an emulator with the same, fresh state), the LLM mock (answers at once), and
 * a thin recorder in front of the emulators that notes when each chat.postMessage arrives (keyed by
 * thread_ts). Prints one JSON line with the addresses, then serves until killed.
 *
 * Why the recorder rewrites tokens: the emulator caps every token at 5,000 requests an hour (a
 * GitHub-style limit Slack does not have), so posts are spread over spare tokens of the same bot.
 * Only posts the emulator accepted count as replies. The emulator scans all its messages for each
 * threaded post, so it slows down as a run goes on: figures are measured on its first ~15k.
 */
import { startLlmMock } from "../test/support/llm.ts";
import { type SlackWorkspace, startSlackWorkspace } from "../test/support/slack.ts";

const TARGETS = ["bolt", "konstruct"] as const;
// 40 × 5,000 requests/hour: enough for 100k messages and their retries.
const workspaces = Object.fromEntries(
  await Promise.all(TARGETS.map(async (t) => [t, await startSlackWorkspace({ botName: t, spareBotTokens: 40 })] as const)),
) as Record<(typeof TARGETS)[number], SlackWorkspace>;
const llm = await startLlmMock();
llm.replyAll("On it — here is the answer.");

let spare = 0;
let replies: [string, number][] = [];
const recorder = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  idleTimeout: 120,
  async fetch(req) {
    const { pathname, search } = new URL(req.url);
    if (pathname === "/_replies") {
      const out = replies;
      replies = [];
      return Response.json(out);
    }
    const [, target, ...rest] = pathname.split("/");
    const ws = workspaces[target as keyof typeof workspaces];
    if (!ws) return new Response("unknown target", { status: 404 });
    const path = `/${rest.join("/")}`;
    const body = req.method === "GET" ? undefined : await req.text();
    const headers = new Headers(req.headers);
    const posting = path === "/api/chat.postMessage";
    if (posting) headers.set("authorization", `Bearer ${ws.bot.spareTokens![spare++ % ws.bot.spareTokens!.length]}`);
    const res = await fetch(`${ws.url}${path}${search}`, { method: req.method, headers, body });
    const text = await res.text();
    if (posting && body && res.ok && (JSON.parse(text) as { ok?: boolean }).ok === true) {
      const at = performance.timeOrigin + performance.now();
      const thread = req.headers.get("content-type")?.includes("json") ? JSON.parse(body).thread_ts : new URLSearchParams(body).get("thread_ts");
      if (thread) replies.push([thread, at]);
    }
    return new Response(text, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" } });
  },
});

const describe = (t: (typeof TARGETS)[number]) => {
  const ws = workspaces[t];
  return {
    apiUrl: `http://127.0.0.1:${recorder.port}/${t}/api/`,
    botToken: ws.bot.token,
    botUserId: ws.bot.userId,
    signingSecret: ws.signingSecret,
    teamId: ws.teamId,
    appId: ws.appId,
    channel: ws.channel,
    humanUserId: ws.human.userId,
  };
};
console.log(JSON.stringify({ repliesUrl: `http://127.0.0.1:${recorder.port}/_replies`, llmUrl: llm.url, bolt: describe("bolt"), konstruct: describe("konstruct") }));
