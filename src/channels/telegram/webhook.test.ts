/** Webhook mode: Telegram (the shim) posts to our route; only the right secret gets anything in. */
import { nullCursor } from "../../../test/support/cursor.ts";
import { loopbackOutbound } from "../../../test/support/outbound.ts";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import pino from "pino";
import { startTelegramShim, type TelegramShim } from "../../../test/support/telegram.ts";
import type { AdapterContext, ChannelDefinition, HttpAdapter } from "../port.ts";
import type { InboundMessage } from "../types.ts";
import { createTelegramAdapter } from "./adapter.ts";

const SECRET = "s3cret-token_ABC";
const cursor = nullCursor();

describe("telegram adapter (webhook)", () => {
  let tg: TelegramShim;
  let gateway: ReturnType<typeof Bun.serve>;
  let adapter: HttpAdapter;
  const received: InboundMessage[] = [];
  let failNext = false;
  const logs: string[] = [];
  const log = pino({ level: "warn" }, { write: (line: string) => void logs.push(line) });

  const create = (mode: string, secrets: Record<string, string>, webhookUrl: string, ctx: Partial<AdapterContext> = {}) => {
    const def: ChannelDefinition = { tenantId: "t", channelId: "c", agentId: "a", kind: "telegram", name: "tg", mode, settings: { api_root: tg.apiRoot }, secrets };
    return createTelegramAdapter(def, { log, cursor, webhookUrl, fetch: loopbackOutbound().fetch, ...ctx });
  };
  const post = (body: string, headers: Record<string, string> = {}) =>
    adapter.handleHttp!(new Request("http://gw/hooks/telegram/c", { method: "POST", headers: { "content-type": "application/json", ...headers }, body }));
  const update = (id: number) => JSON.stringify({ update_id: id, message: { message_id: 1, date: 1, chat: { id: 5, type: "private" }, from: { id: 5, is_bot: false, first_name: "U" }, text: "hi" } });

  beforeAll(async () => {
    tg = await startTelegramShim();
    gateway = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => adapter.handleHttp!(req) });
    adapter = create("webhook", { bot_token: tg.token, webhook_secret: SECRET }, `http://127.0.0.1:${gateway.port}/hooks/telegram/c`);
    await adapter.start(async (m) => {
      if (failNext) {
        failNext = false;
        throw new Error("database unavailable");
      }
      received.push(m);
    });
  });
  afterAll(async () => {
    await adapter.stop();
    await gateway.stop(true);
    await tg.stop();
  });
  beforeEach(() => void (received.length = 0));

  test("start() registers the webhook with its secret; deliveries reach the sink", async () => {
    const { update: u, webhookStatus } = await tg.userSends(77, "via webhook");
    expect(webhookStatus).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ eventKey: String(u.update_id), chatKey: "77", text: "via webhook" });
  });

  test("a wrong or missing secret is refused with 401 and nothing is handed on", async () => {
    for (const headers of [{} as Record<string, string>, { "x-telegram-bot-api-secret-token": "wrong" }, { "x-telegram-bot-api-secret-token": `${SECRET}x` }]) {
      const res = await post(update(9001), headers);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
    expect(received).toHaveLength(0);
  });

  test("malformed JSON or a non-update is 400", async () => {
    const ok = { "x-telegram-bot-api-secret-token": SECRET };
    expect((await post("{not json", ok)).status).toBe(400);
    expect((await post(JSON.stringify({ hello: 1 }), ok)).status).toBe(400);
    expect(received).toHaveLength(0);
  });

  test("a sink failure answers 500, so Telegram delivers again", async () => {
    const ok = { "x-telegram-bot-api-secret-token": SECRET };
    failNext = true;
    expect((await post(update(9002), ok)).status).toBe(500);
    expect((await post(update(9002), ok)).status).toBe(200);
    expect(received.map((m) => m.eventKey)).toEqual(["9002"]);
  });

  test("without a configured secret every request is refused", async () => {
    const open = create("webhook", { bot_token: tg.token }, "");
    const res = await open.handleHttp!(new Request("http://gw/", { method: "POST", body: update(1) }));
    expect(res.status).toBe(401);
  });

  test("without a public URL start() warns and sets no webhook; polling mode has no route", async () => {
    const other = await startTelegramShim();
    try {
      const def: ChannelDefinition = { tenantId: "t", channelId: "d", agentId: "a", kind: "telegram", name: "tg2", mode: "webhook", settings: { api_root: other.apiRoot }, secrets: { bot_token: other.token, webhook_secret: SECRET } };
      const quiet = createTelegramAdapter(def, { log, cursor, webhookUrl: "", fetch: loopbackOutbound().fetch });
      await quiet.start(async () => {});
      expect(logs.some((l) => l.includes("public_url"))).toBe(true);
      expect((await other.userSends(1, "queued")).webhookStatus).toBeUndefined();
      await quiet.stop();
      expect(createTelegramAdapter({ ...def, mode: "polling" }, { log, cursor, webhookUrl: "", fetch: loopbackOutbound().fetch }).handleHttp).toBeUndefined();
    } finally {
      await other.stop();
    }
  });
});
