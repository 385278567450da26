import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { capturingContext, type SlackWorkspace, slackDefinition, slackEvents, startSlackWorkspace } from "../../../test/support/slack.ts";
import { SendError } from "../port.ts";
import { Outbound } from "../../net/outbound.ts";
import type { InboundMessage } from "../types.ts";
import { createSlackAdapter, type SlackAdapter } from "./adapter.ts";

let ws: SlackWorkspace;
let adapter: SlackAdapter;
let logs: ReturnType<typeof capturingContext>;
const received: InboundMessage[] = [];

beforeAll(async () => {
  ws = await startSlackWorkspace();
  logs = capturingContext();
  adapter = createSlackAdapter(slackDefinition(ws), logs.ctx);
  await adapter.start(async (m) => void received.push(m));
});
afterAll(async () => {
  await adapter.stop();
  await ws.stop();
});

async function sendError(p: Promise<unknown>): Promise<SendError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SendError);
  return e as SendError;
}

describe("send() against the emulator", () => {
  test("an api_url on loopback without the platform allow-list: refused, final, nothing posted", async () => {
    const before = (await ws.messages(ws.channel)).length;
    const guarded = createSlackAdapter(slackDefinition(ws), { ...logs.ctx, fetch: new Outbound().fetch });
    await guarded.start(async () => {});
    const e = await sendError(guarded.send({ chatKey: ws.channel, text: "should never arrive" }));
    await guarded.stop();
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/refused: .* resolves to 127\.0\.0\.1, a loopback address/);
    expect((await ws.messages(ws.channel)).length).toBe(before);
  });

  test("replies in the thread, converted to mrkdwn; the thread is then ours", async () => {
    const root = await ws.post("human", ws.channel, "<@bot> how do I deploy?");
    const { externalId } = await adapter.send({ chatKey: `${ws.channel}:${root}`, replyTo: root, text: "## Steps\nRun **make deploy** — see [docs](https://x.io/a?b=1&c=2) & relax" });
    const thread = await ws.messages(ws.channel, root);
    expect(thread.map((m) => [m.ts, m.user, m.text])).toEqual([
      [root, ws.human.userId, "<@bot> how do I deploy?"],
      [externalId, ws.bot.userId, "*Steps*\nRun *make deploy* — see <https://x.io/a?b=1&amp;c=2|docs> &amp; relax"],
    ]);
    // A reply in that thread is now handed on without any mention.
    await adapter.handleHttp(ws.signed(slackEvents.threadReply(ws, { threadTs: root, text: "thanks" })));
    expect(received.at(-1)).toMatchObject({ text: "thanks", chatKey: `${ws.channel}:${root}` });
    expect(logs.logged("slack event recorded")).toHaveLength(1);
  });

  test("a top-level DM chat gets a top-level answer", async () => {
    const { externalId } = await adapter.send({ chatKey: ws.dm, text: "hello there" });
    const history = await ws.messages(ws.dm);
    expect(history.at(-1)).toMatchObject({ ts: externalId, user: ws.bot.userId, text: "hello there" });
    expect(history.at(-1)!.thread_ts).toBeUndefined();
  });

  test("the thread comes from the chatKey when replyTo is absent", async () => {
    const root = await ws.post("human", ws.dm, "in a DM thread");
    await adapter.send({ chatKey: `${ws.dm}:${root}`, text: "threaded answer" });
    expect((await ws.messages(ws.dm, root)).map((m) => m.text)).toEqual(["in a DM thread", "threaded answer"]);
  });

  test("a long answer becomes several messages, in order, each within 4000 chars", async () => {
    const root = await ws.post("human", ws.channel, "write a lot");
    const paras = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${"lorem ipsum ".repeat(80).trim()}`);
    const { externalId } = await adapter.send({ chatKey: `${ws.channel}:${root}`, text: paras.join("\n\n") });
    const replies = (await ws.messages(ws.channel, root)).slice(1);
    expect(replies.length).toBeGreaterThan(2);
    expect(replies[0]!.ts).toBe(externalId);
    for (const r of replies) expect(r.text.length).toBeLessThanOrEqual(4000);
    expect(replies.map((r) => r.text).join("\n\n")).toBe(paras.join("\n\n"));
  });

  test("an unknown channel is a non-retryable SendError naming Slack's error", async () => {
    const e = await sendError(adapter.send({ chatKey: "C0NOSUCH:1700000000.000100", text: "hi" }));
    expect(e.retryable).toBe(false);
    expect(e.message).toBe("slack chat.postMessage: channel_not_found");
    expect(e.message).not.toContain(ws.bot.token);
  });

  test("an empty answer is refused without calling Slack", async () => {
    const e = await sendError(adapter.send({ chatKey: ws.dm, text: "  \n " }));
    expect(e.retryable).toBe(false);
  });

  test("typing is a no-op", async () => {
    await adapter.typing(ws.dm);
    expect(adapter.capabilities.typing).toBe(false);
  });
});

/** A stand-in Web API answering auth.test normally and chat.postMessage as told. */
function standIn(postMessage: (n: number) => Response) {
  const posted: string[] = [];
  let calls = 0;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const method = new URL(req.url).pathname.replace("/api/", "");
      if (method === "auth.test") return Response.json({ ok: true, user_id: "U0BOT", bot_id: "B0BOT", team_id: "T0ACME" });
      if (method !== "chat.postMessage") return Response.json({ ok: false, error: "unknown_method" }, { status: 404 });
      const res = postMessage(++calls);
      if (res.status === 200) posted.push(new URLSearchParams(await req.text()).get("text") ?? "");
      return res;
    },
  });
  return { apiUrl: `http://127.0.0.1:${server.port}/api/`, posted, stop: () => server.stop(true) };
}

async function adapterAt(apiUrl: string) {
  const a = createSlackAdapter({ ...slackDefinition(ws), settings: { api_url: apiUrl } }, capturingContext().ctx);
  await a.start(async () => {});
  return a;
}

describe("send() failure mapping (stand-in Web API)", () => {
  test("429 with Retry-After → retryable with the hint in ms", async () => {
    const s = standIn(() => new Response("", { status: 429, headers: { "retry-after": "7" } }));
    try {
      const e = await sendError((await adapterAt(s.apiUrl)).send({ chatKey: "C1:1.2", text: "hi" }));
      expect([e.retryable, e.retryAfterMs, e.message]).toEqual([true, 7000, "slack chat.postMessage: rate limited"]);
    } finally {
      s.stop();
    }
  });

  test("HTTP 503 and platform internal_error → retryable (503: in doubt, the retry looks first); a connection never made → retryable", async () => {
    const s = standIn((n) => (n === 1 ? new Response("upstream down", { status: 503 }) : Response.json({ ok: false, error: "internal_error" })));
    try {
      const a = await adapterAt(s.apiUrl);
      const e1 = await sendError(a.send({ chatKey: "C1", text: "hi" }));
      expect([e1.retryable, e1.doubt, e1.message]).toEqual([true, "lost", "slack chat.postMessage: HTTP 503"]);
      const e2 = await sendError(a.send({ chatKey: "C1", text: "hi" }));
      expect([e2.retryable, e2.doubt, e2.message]).toEqual([true, undefined, "slack chat.postMessage: internal_error"]);
      s.stop();
      const e3 = await sendError(a.send({ chatKey: "C1", text: "hi" }));
      expect([e3.retryable, e3.doubt]).toEqual([true, undefined]);
      expect(e3.message).toStartWith("slack chat.postMessage: network error");
    } finally {
      s.stop();
    }
  });

  test("not_in_channel / invalid_auth → not retryable", async () => {
    const s = standIn((n) => Response.json({ ok: false, error: n === 1 ? "not_in_channel" : "invalid_auth" }));
    try {
      const a = await adapterAt(s.apiUrl);
      expect((await sendError(a.send({ chatKey: "C1", text: "hi" }))).retryable).toBe(false);
      const e = await sendError(a.send({ chatKey: "C1", text: "hi" }));
      expect([e.retryable, e.message]).toEqual([false, "slack chat.postMessage: invalid_auth"]);
    } finally {
      s.stop();
    }
  });

  test("a retry after a partial failure posts only the parts not yet sent", async () => {
    const s = standIn((n) => (n === 2 ? new Response("", { status: 503 }) : Response.json({ ok: true, ts: `1700000000.00000${n}` })));
    try {
      const a = await adapterAt(s.apiUrl);
      const text = ["a".repeat(3000), "b".repeat(3000), "c".repeat(3000)].join("\n\n");
      expect((await sendError(a.send({ chatKey: "C1:1.2", text }))).retryable).toBe(true);
      const { externalId } = await a.send({ chatKey: "C1:1.2", text });
      expect(s.posted.map((p) => p[0])).toEqual(["a", "b", "c"]);
      expect(externalId).toBe("1700000000.000001");
    } finally {
      s.stop();
    }
  });
});

describe("exactly once across a crash (message metadata, posted.ts)", () => {
  const split = (n: number) => Array.from({ length: n }, (_, i) => `${String(i).padStart(4, "0")} ${"x".repeat(3000)}`).join("\n\n");

  test("every part carries its outbox row and index; Slack only shows it when asked (include_all_metadata)", async () => {
    const root = await ws.post("human", ws.channel, "tag me");
    await adapter.send({ chatKey: `${ws.channel}:${root}`, text: split(2) }, { outboxId: "ob-tagged" });
    const bot = (await ws.messages(ws.channel, root)).filter((m) => m.user === ws.bot.userId);
    expect(bot.map((m) => m.metadata)).toEqual([0, 1].map((part) => ({ event_type: "konstruct_reply", event_payload: { outbox_id: "ob-tagged", part } })));
    const plain = (await ws.api("conversations.replies", { channel: ws.channel, ts: root }, "bot")).messages as { metadata?: unknown }[];
    expect(plain.every((m) => m.metadata === undefined)).toBe(true);
  });

  test("findSent: the first part's ts when the whole reply is there, null when not", async () => {
    const root = await ws.post("human", ws.channel, "was it sent?");
    const message = { chatKey: `${ws.channel}:${root}`, text: "the answer" };
    expect(await adapter.findSent!(message, { outboxId: "ob-find", inDoubt: true })).toBeNull();
    const { externalId } = await adapter.send(message, { outboxId: "ob-find" });
    expect(await adapter.findSent!(message, { outboxId: "ob-find", inDoubt: true })).toBe(externalId);
    expect(await adapter.findSent!(message, { outboxId: "ob-other", inDoubt: true })).toBeNull();
    // Top level (a DM without a thread): found in the channel's history.
    const dm = { chatKey: ws.dm, text: "top-level answer" };
    const top = await adapter.send(dm, { outboxId: "ob-dm" });
    expect(await adapter.findSent!(dm, { outboxId: "ob-dm", inDoubt: true })).toBe(top.externalId);
  });

  test("an in-doubt send posts only the parts Slack does not have yet", async () => {
    const root = await ws.post("human", ws.channel, "half sent");
    const text = split(3);
    const parts = (await ws.messages(ws.channel, root)).length;
    // An earlier process posted part 0 with its tag, then died.
    await ws.api("chat.postMessage", { channel: ws.channel, thread_ts: root, text: "0000 earlier", metadata: JSON.stringify({ event_type: "konstruct_reply", event_payload: { outbox_id: "ob-half", part: 0 } }) }, "bot");
    expect(await adapter.findSent!({ chatKey: `${ws.channel}:${root}`, text }, { outboxId: "ob-half", inDoubt: true })).toBeNull();
    await adapter.send({ chatKey: `${ws.channel}:${root}`, text }, { outboxId: "ob-half", inDoubt: true });
    const bot = (await ws.messages(ws.channel, root)).slice(parts).filter((m) => m.user === ws.bot.userId);
    expect(bot.map((m) => m.metadata?.event_payload.part)).toEqual([0, 1, 2]);
    expect(bot[0]!.text).toBe("0000 earlier");
  });
});
