/**
 * A thin proxy in front of Slack emulators for benches: notes when each threaded chat.postMessage
 * the emulator accepted arrives (keyed by thread_ts), and spreads posts over the bot's spare tokens
 * — the emulator caps every token at 5,000 requests an hour, a limit Slack does not have.
 */
import type { SlackWorkspace } from "../test/support/slack.ts";

/** `route` maps a request path to its workspace and the emulator path (null: 404). */
export function startSlackRecorder(route: (pathname: string) => { ws: SlackWorkspace; path: string } | null, onReply: (threadTs: string, at: number) => void) {
  let spare = 0;
  return Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 120,
    async fetch(req) {
      const { pathname, search } = new URL(req.url);
      const target = route(pathname);
      if (!target) return new Response("unknown target", { status: 404 });
      const { ws, path } = target;
      const body = req.method === "GET" ? undefined : await req.text();
      const headers = new Headers(req.headers);
      const posting = path === "/api/chat.postMessage";
      if (posting) headers.set("authorization", `Bearer ${ws.bot.spareTokens![spare++ % ws.bot.spareTokens!.length]}`);
      const res = await fetch(`${ws.url}${path}${search}`, { method: req.method, headers, body });
      const text = await res.text();
      if (posting && body && res.ok && (JSON.parse(text) as { ok?: boolean }).ok === true) {
        const at = performance.timeOrigin + performance.now();
        const thread = req.headers.get("content-type")?.includes("json") ? JSON.parse(body).thread_ts : new URLSearchParams(body).get("thread_ts");
        if (thread) onReply(thread, at);
      }
      return new Response(text, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" } });
    },
  });
}
