/** The adapter driven only through HTTP: the fake delivers signed webhooks and records what we send. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import pino from "pino";
import { startDropper } from "../../../test/support/dropper.ts";
import { loopbackOutbound } from "../../../test/support/outbound.ts";
import { signWebhook, startWhatsAppFake, type WhatsAppFake } from "../../../test/support/whatsapp.ts";
import type { ChannelDefinition, HttpAdapter } from "../port.ts";
import { SendError } from "../port.ts";
import type { InboundMessage } from "../types.ts";
import { createWhatsAppAdapter, WINDOW_MS } from "./adapter.ts";
import { nullCursor } from "../../../test/support/cursor.ts";

const cursor = nullCursor();
const NUMBER = "106540352242922";
const TOKEN = "EAAG-test-token-1";
const SECRET = "app-secret-1";

describe("whatsapp adapter (through the fake)", () => {
  let fake: WhatsAppFake;
  let gateway: ReturnType<typeof Bun.serve>;
  let adapter: HttpAdapter;
  let hook: string;
  let clock = Date.now();
  const received: InboundMessage[] = [];
  const statuses: { id: string; status: string }[] = [];
  const logs: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void logs.push(line) });
  const make = (settings: Record<string, string> = {}) => {
    const def: ChannelDefinition = { tenantId: "t", channelId: "c1", agentId: "a", kind: "whatsapp", name: "wa", mode: "webhook", settings: { phone_number_id: NUMBER, graph_url: fake.url, verify_token: "verify-me", ...settings }, secrets: { access_token: TOKEN, app_secret: SECRET } };
    return createWhatsAppAdapter(def, { log, cursor, webhookUrl: hook, fetch: loopbackOutbound().fetch, onStatus: (s) => void statuses.push(s) }, () => clock);
  };

  beforeAll(async () => {
    fake = await startWhatsAppFake();
    gateway = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => adapter.handleHttp!(req) });
    hook = `http://127.0.0.1:${gateway.port}/hooks/whatsapp/c1`;
    fake.addNumber({ phoneNumberId: NUMBER, token: TOKEN, appSecret: SECRET, webhookUrl: hook });
    adapter = make();
    await adapter.start(async (m) => void received.push(m));
  });
  afterAll(async () => {
    await adapter.stop();
    await gateway.stop(true);
    await fake.stop();
  });
  beforeEach(() => {
    received.length = statuses.length = logs.length = 0;
    fake.sent.length = 0;
    clock = Date.now();
  });

  test("GET verification echoes the challenge only for the right token", async () => {
    const ok = await fetch(`${hook}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    expect((await fetch(`${hook}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
    expect((await fetch(`${hook}?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1`)).status).toBe(403);
  });

  test("text, image, document, voice, location, button reply normalised; reactions and unknown types do not fail", async () => {
    const from = "4915112345678";
    expect((await fake.userSends(NUMBER, from, { type: "text", text: { body: "hello" } }, "Ada")).status).toBe(200);
    await fake.userSends(NUMBER, from, { type: "image", image: { id: "111", mime_type: "image/jpeg", caption: "receipt" } });
    await fake.userSends(NUMBER, from, { type: "document", document: { id: "222", mime_type: "application/pdf", filename: "offer.pdf" } });
    await fake.userSends(NUMBER, from, { type: "audio", audio: { id: "333", mime_type: "audio/ogg; codecs=opus", voice: true } });
    await fake.userSends(NUMBER, from, { type: "location", location: { latitude: 52.5, longitude: 13.4, name: "Office" } });
    await fake.userSends(NUMBER, from, { type: "interactive", interactive: { type: "button_reply", button_reply: { id: "approve:9", title: "Approve" } }, context: { id: "wamid.X" } });
    expect((await fake.userSends(NUMBER, from, { type: "reaction", reaction: { message_id: "wamid.X", emoji: "👍" } })).status).toBe(200);
    expect((await fake.userSends(NUMBER, from, { type: "ephemeral_thing" })).status).toBe(200);
    expect(received.map((m) => m.text)).toEqual(["hello", "receipt", "", "", "[location] Office (52.5, 13.4)", "Approve", "[unsupported message type: ephemeral_thing]"]);
    expect(received[0]).toMatchObject({ chatKey: from, sender: { id: from, name: "Ada" } });
    expect(received[0]!.eventKey).toStartWith("wamid.");
    expect(received[1]!.attachments).toEqual([{ name: "image.jpg", ref: "111", mime: "image/jpeg" }]);
    expect(received[2]!.attachments[0]).toMatchObject({ name: "offer.pdf", ref: "222" });
    expect(received[3]!.attachments[0]).toMatchObject({ name: "voice.ogg", ref: "333" });
    expect(received[5]!.action).toEqual({ id: "approve:9", messageId: "wamid.X" });
  });

  test("forged, unsigned and oversized deliveries are refused before parsing; a retry carries the same event key", async () => {
    const body = fake.payload(NUMBER, { messages: [{ from: "4915100000001", id: "wamid.same", timestamp: "1", type: "text", text: { body: "x" } }] });
    expect((await fake.deliver(hook, body)).status).toBe(401);
    expect((await fake.deliver(hook, body, signWebhook("wrong-secret", body))).status).toBe(401);
    expect((await fake.deliver(hook, body.replace('"x"', '"y"'), signWebhook(SECRET, body))).status).toBe(401);
    expect((await fake.deliver(hook, "{nope", signWebhook(SECRET, "{nope"))).status).toBe(400);
    const big = "x".repeat(600 * 1024);
    expect((await fake.deliver(hook, big, signWebhook(SECRET, big))).status).toBe(413);
    expect(received).toHaveLength(0);
    expect((await fake.deliver(hook, body, signWebhook(SECRET, body))).status).toBe(200);
    expect((await fake.deliver(hook, body, signWebhook(SECRET, body))).status).toBe(200);
    expect(received.map((m) => m.eventKey)).toEqual(["wamid.same", "wamid.same"]); // the inbox drops the second
  });

  test("a change for another phone number is refused and logged, never routed", async () => {
    const body = fake.payload("999999999", { messages: [{ from: "4915100000002", id: "wamid.other", timestamp: "1", type: "text", text: { body: "x" } }] });
    expect((await fake.deliver(hook, body, signWebhook(SECRET, body))).status).toBe(200);
    expect(received).toHaveLength(0);
    expect(logs.some((l) => l.includes("unknown phone number") && l.includes("999999999"))).toBe(true);
  });

  test("statuses are reported with their wamid", async () => {
    expect(await fake.statusOf(NUMBER, "wamid.out1", "delivered", "4915100000003")).toBe(200);
    expect(await fake.statusOf(NUMBER, "wamid.out1", "failed", "4915100000003", { code: 131026, title: "Message Undeliverable" })).toBe(200);
    expect(statuses).toMatchObject([{ id: "wamid.out1", status: "delivered" }, { id: "wamid.out1", status: "failed", error: { code: 131026 } }]);
  });

  test("replies inside the window: WhatsApp formatting, split at 4096, buttons as reply buttons, typing", async () => {
    const user = "4915100000004";
    const { id } = await fake.userSends(NUMBER, user, { type: "text", text: { body: "hi" } });
    const r = await adapter.send({ chatKey: user, replyTo: id, text: "**Total**: ~~10~~ 12" });
    expect(fake.sent.at(-1)).toMatchObject({ id: r.externalId, to: user, body: { type: "text", text: { body: "*Total*: ~10~ 12" }, context: { message_id: id } } });
    await adapter.send({ chatKey: user, text: `${"a ".repeat(3000)}\n\n${"b ".repeat(3000)}` });
    expect(fake.sent.slice(-2).every((s) => s.body.text.body.length <= 4096)).toBe(true);
    await adapter.send({ chatKey: user, text: "Send the invoice?", buttons: [{ id: "ap:1:yes", label: "Approve this invoice now" }, { id: "ap:1:no", label: "Reject" }] });
    const buttons = fake.sent.at(-1)!.body.interactive.action.buttons;
    expect(buttons.map((b: any) => b.reply)).toEqual([{ id: "ap:1:yes", title: "Approve this invoice" }, { id: "ap:1:no", title: "Reject" }]);
    await adapter.typing(user);
    expect(fake.reads.at(-1)).toEqual({ phoneNumberId: NUMBER, messageId: id, typing: true });
  });

  test("outside the 24-hour window: refusal without a template, the template with one", async () => {
    const user = "4915100000005";
    await fake.userSends(NUMBER, user, { type: "text", text: { body: "hi" } });
    clock = Date.now() + WINDOW_MS + 60_000;
    const err = await adapter.send({ chatKey: user, text: "late" }).catch((e) => e);
    expect(err).toBeInstanceOf(SendError);
    expect((err as SendError).retryable).toBe(false);
    expect((err as SendError).message).toContain("24-hour");
    expect(fake.sent).toHaveLength(0);
    expect((await adapter.send({ chatKey: "4915100009999", text: "never wrote" }).catch((e) => e)).message).toContain("24-hour");
    const templated = make({ template_name: "follow_up", template_language: "de" });
    await templated.start(async () => {});
    const r = await templated.send({ chatKey: user, text: "late" });
    expect(fake.sent.at(-1)).toMatchObject({ id: r.externalId, body: { type: "template", template: { name: "follow_up", language: { code: "de" } } } });
  });

  test("Meta errors map: 131047 final (window), 130429 retryable, 131026 final; no token in messages", async () => {
    const user = "4915100000006";
    await fake.userSends(NUMBER, user, { type: "text", text: { body: "hi" } });
    for (const [code, retryable, text] of [[131047, false, "24-hour"], [130429, true, "130429"], [131026, false, "131026"]] as const) {
      fake.failNext(code);
      const e = (await adapter.send({ chatKey: user, text: "x" }).catch((x) => x)) as SendError;
      expect(e).toBeInstanceOf(SendError);
      expect(e.retryable).toBe(retryable);
      expect(e.message).toContain(text);
      expect(e.message).not.toContain(TOKEN);
    }
  });

  test("a message whose connection is lost after the request was written is in doubt; one never connected is not", async () => {
    const dropper = startDropper();
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const refusedUrl = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    try {
      const dropped = (await make({ graph_url: dropper.url, template_name: "follow_up" }).send({ chatKey: "4915100000007", text: "x" }).catch((x) => x)) as SendError;
      expect(dropper.requests).toHaveLength(1);
      expect([dropped instanceof SendError, dropped.retryable, dropped.doubt]).toEqual([true, true, "lost"]);
      const refused = (await make({ graph_url: refusedUrl, template_name: "follow_up" }).send({ chatKey: "4915100000007", text: "x" }).catch((x) => x)) as SendError;
      expect([refused instanceof SendError, refused.retryable, refused.doubt]).toEqual([true, true, undefined]);
      expect(refused.message).not.toContain(TOKEN);
    } finally {
      dropper.stop();
    }
  });

  test("download: media id → URL → bytes with the bearer token, bounded by maxBytes", async () => {
    const bytes = new TextEncoder().encode("%PDF-1.4 fake");
    const id = fake.addMedia(bytes, "application/pdf", TOKEN);
    const got = await adapter.download!({ name: "x.pdf", ref: id }, 1024);
    expect(new TextDecoder().decode(got.bytes)).toBe("%PDF-1.4 fake");
    expect(got.mime).toBe("application/pdf");
    expect((await adapter.download!({ name: "x.pdf", ref: id }, 5).catch((e) => e)).message).toContain("larger than 5");
    expect((await fetch(`${fake.url}/files/${id}`)).status).toBe(401);
  });
});
