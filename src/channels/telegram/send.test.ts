/** Send failures against a tiny stand-in Bot API: how each maps onto the outbox's SendError. */
import { nullCursor } from "../../../test/support/cursor.ts";
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { startDropper } from "../../../test/support/dropper.ts";
import { loopbackOutbound } from "../../../test/support/outbound.ts";
import { Outbound } from "../../net/outbound.ts";
import pino from "pino";
import { SendError } from "../port.ts";
import { createTelegramAdapter } from "./adapter.ts";

const TOKEN = "123456789:AAHdoNotLeakThisTokenAnywhere0123456";
const log = pino({ level: "silent" });
const cursor = nullCursor();

type Call = { method: string; body: Record<string, unknown> };
let calls: Call[] = [];
let answer: (call: Call) => Response = () => Response.json({ ok: true, result: { message_id: 1 } });
const standIn = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const call = { method: new URL(req.url).pathname.split("/").pop()!, body: (await req.json()) as Record<string, unknown> };
    calls.push(call);
    return answer(call);
  },
});
const fail = (code: number, description: string, parameters?: object) => Response.json({ ok: false, error_code: code, description, parameters }, { status: code });

const adapter = (apiRoot = `http://127.0.0.1:${standIn.port}/`, fetch = loopbackOutbound().fetch) =>
  createTelegramAdapter({ tenantId: "t", channelId: "c", agentId: "a", kind: "telegram", name: "tg", mode: "polling", settings: { api_root: apiRoot }, secrets: { bot_token: TOKEN } }, { log, cursor, webhookUrl: "", fetch });

async function sendError(p: Promise<unknown>): Promise<SendError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SendError);
  expect((e as Error).message).not.toContain(TOKEN);
  return e as SendError;
}

describe("telegram send errors", () => {
  beforeEach(() => void (calls = []));
  afterAll(() => standIn.stop(true));

  test("an api_root on loopback without the platform allow-list: refused, final, nothing sent", async () => {
    const e = await sendError(adapter(undefined, new Outbound().fetch).send({ chatKey: "42", text: "hi" }));
    expect([e.retryable, e.message]).toEqual([false, "telegram: refused: 127.0.0.1 resolves to 127.0.0.1, a loopback address; refused"]);
    expect(calls).toEqual([]);
  });

  test("429 → retryable, after Telegram's retry_after", async () => {
    answer = () => fail(429, "Too Many Requests: retry after 3", { retry_after: 3 });
    const e = await sendError(adapter().send({ chatKey: "42", text: "hi" }));
    expect([e.retryable, e.retryAfterMs]).toEqual([true, 3000]);
  });

  test("403 blocked and 400 chat not found → final", async () => {
    answer = () => fail(403, "Forbidden: bot was blocked by the user");
    const blocked = await sendError(adapter().send({ chatKey: "42", text: "hi" }));
    expect([blocked.retryable, blocked.message]).toEqual([false, "telegram: 403 Forbidden: bot was blocked by the user"]);
    answer = () => fail(400, "Bad Request: chat not found");
    expect((await sendError(adapter().send({ chatKey: "42", text: "hi" }))).retryable).toBe(false);
  });

  test("5xx and a connection never made → retryable, not in doubt; token never in the message", async () => {
    answer = () => fail(502, "Bad Gateway");
    const bad = await sendError(adapter().send({ chatKey: "42", text: "hi" }));
    expect([bad.retryable, bad.doubt]).toEqual([true, undefined]);
    const closed = Bun.serve({ port: 0, fetch: () => new Response() });
    const root = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const e = await sendError(adapter(root).send({ chatKey: "42", text: "hi" }));
    expect([e.retryable, e.doubt]).toEqual([true, undefined]);
  });

  test("the connection lost after the request was written → in doubt (it may have been posted)", async () => {
    const dropper = startDropper();
    try {
      const e = await sendError(adapter(`${dropper.url}/`).send({ chatKey: "42", text: "hi" }));
      expect(dropper.requests.map((r) => r.split(" ")[1]!.split("/").pop())).toEqual(["sendMessage"]);
      expect([e.retryable, e.doubt]).toEqual([true, "lost"]);
    } finally {
      dropper.stop();
    }
  });

  test("HTML Telegram cannot parse is re-sent as plain text", async () => {
    answer = ({ body }) => (body.parse_mode === "HTML" ? fail(400, "Bad Request: can't parse entities: Unsupported start tag") : Response.json({ ok: true, result: { message_id: 55 } }));
    const { externalId } = await adapter().send({ chatKey: "-100:9", replyTo: "3", text: "**odd** markup" });
    expect(externalId).toBe("55");
    expect(calls.map((c) => [c.body.parse_mode, c.body.text])).toEqual([
      ["HTML", "<b>odd</b> markup"],
      [undefined, "**odd** markup"],
    ]);
    expect(calls[1]!.body).toMatchObject({ chat_id: -100, message_thread_id: 9, reply_parameters: { message_id: 3, allow_sending_without_reply: true } });
  });

  test("other 400s are not retried as plain text", async () => {
    answer = () => fail(400, "Bad Request: message thread not found");
    expect((await sendError(adapter().send({ chatKey: "-100:9", text: "x" }))).retryable).toBe(false);
    expect(calls).toHaveLength(1);
  });

  test("typing() failures map the same way", async () => {
    answer = () => fail(429, "Too Many Requests: retry after 1", { retry_after: 1 });
    const e = await sendError(adapter().typing("-100:9"));
    expect(e.retryAfterMs).toBe(1000);
    expect(calls[0]).toEqual({ method: "sendChatAction", body: { chat_id: -100, action: "typing", message_thread_id: 9 } });
  });
});
