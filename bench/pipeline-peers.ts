/**
 * The third parties of bench:pipeline, in their own process so their CPU is not the load
 * generator's: two Slack Web API emulators (one workspace per target, so the baseline and the
 * appliance each meet an emulator with the same, fresh state), the LLM mock (answers at once), and
 * a thin recorder in front of the emulators (slack-recorder.ts) that notes when each
 * chat.postMessage arrives (keyed by thread_ts), fetched from `repliesUrl`. Prints one JSON line
 * with the addresses, then serves until killed.
 *
 * Why the recorder rewrites tokens: the emulator caps every token at 5,000 requests an hour (a
 * GitHub-style limit Slack does not have), so posts are spread over spare tokens of the same bot.
 * Only posts the emulator accepted count as replies. The emulator scans all its messages for each
 * threaded post, so it slows down as a run goes on: figures are measured on its first ~15k.
 */
import { startLlmMock } from "../test/support/llm.ts";
import { type SlackWorkspace, startSlackWorkspace } from "../test/support/slack.ts";
import { startSlackRecorder } from "./slack-recorder.ts";

const TARGETS = ["bolt", "konstruct"] as const;
// 40 × 5,000 requests/hour: enough for 100k messages and their retries.
const workspaces = Object.fromEntries(
  await Promise.all(TARGETS.map(async (t) => [t, await startSlackWorkspace({ botName: t, spareBotTokens: 40 })] as const)),
) as Record<(typeof TARGETS)[number], SlackWorkspace>;
const llm = await startLlmMock();
llm.replyAll("On it — here is the answer.");

let replies: [string, number][] = [];
const recorder = startSlackRecorder(
  (pathname) => {
    if (pathname === "/_replies") return null;
    const [, target, ...rest] = pathname.split("/");
    const ws = workspaces[target as keyof typeof workspaces];
    return ws ? { ws, path: `/${rest.join("/")}` } : null;
  },
  (thread, at) => void replies.push([thread, at]),
);
const repliesServer = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch() {
    const out = replies;
    replies = [];
    return Response.json(out);
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
console.log(JSON.stringify({ repliesUrl: `http://127.0.0.1:${repliesServer.port}/_replies`, llmUrl: llm.url, bolt: describe("bolt"), konstruct: describe("konstruct") }));
