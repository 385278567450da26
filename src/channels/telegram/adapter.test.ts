/** The adapter over HTTP against the shimmed Bot API emulator: polling, offsets, sending, typing. */
import { loopbackOutbound } from "../../../test/support/outbound.ts";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import pino from "pino";
import { startTelegramShim, type TelegramShim } from "../../../test/support/telegram.ts";
import type { ChannelDefinition, CursorStore, HttpAdapter } from "../port.ts";
import type { InboundMessage, InboundSink } from "../types.ts";
import { createTelegramAdapter } from "./adapter.ts";

const log = pino({ level: "silent" });

function memoryCursor(): CursorStore & { saves: string[] } {
  let value: string | null = null;
  const saves: string[] = [];
  return {
    saves,
    load: async () => value,
    save: async (c) => (saves.push((value = c)), true),
    claim: async () => true,
    release: async () => {},
  };
}

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

describe("telegram adapter (polling, against the emulator)", () => {
  let tg: TelegramShim;
  const adapters: HttpAdapter[] = [];
  const received: InboundMessage[] = [];
  const record: InboundSink = async (m) => void received.push(m);

  const adapter = (cursor: CursorStore = memoryCursor(), token = tg.token, settings: Record<string, string> = {}) => {
    const def: ChannelDefinition = { tenantId: "t", channelId: "c", agentId: "a", kind: "telegram", name: "tg", mode: "polling", settings: { api_root: tg.apiRoot, ...settings }, secrets: { bot_token: token } };
    const a = createTelegramAdapter(def, { log, cursor, webhookUrl: "", fetch: loopbackOutbound().fetch });
    adapters.push(a);
    return a;
  };

  beforeEach(async () => {
    received.length = 0;
    tg = await startTelegramShim({ bots: [{ username: "KonstructBot" }, { username: "SecondBot" }] });
  });
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.stop()));
    await tg.stop();
  });

  test("a private message reaches the sink and the offset is saved past it", async () => {
    const cursor = memoryCursor();
    await adapter(cursor).start(record);
    const { update } = await tg.userSends(42, "hello bot");
    await until("the message", () => received.length === 1);
    expect(received[0]).toMatchObject({ eventKey: String(update.update_id), chatKey: "42", text: "hello bot", sender: { id: "42", name: "Test User" } });
    await until("the cursor", () => cursor.saves.includes(String(update.update_id + 1)));
  });

  test("send: threaded under the user's message, HTML, ids returned", async () => {
    const a = adapter();
    const { externalId } = await a.send({ chatKey: "42", replyTo: "7", text: "**Done** & dusted: `x<y`" });
    const [reply] = tg.botReplies(42);
    expect(reply).toMatchObject({ text: "<b>Done</b> &amp; dusted: <code>x&lt;y</code>", parse_mode: "HTML", reply_parameters: { message_id: 7, allow_sending_without_reply: true } });
    expect(externalId).toBe(String(reply!.message_id));
  });

  test("a long answer arrives as several messages, in order, each within 4096 characters", async () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `PART-${i} **bold** & <tag> ` + "lorem ipsum ".repeat(130));
    await adapter().send({ chatKey: "42", replyTo: "1", text: paragraphs.join("\n\n") });
    const replies = tg.botReplies(42);
    expect(replies.length).toBeGreaterThan(1);
    for (const r of replies) expect(r.visible.length).toBeLessThanOrEqual(4096);
    const order = replies.flatMap((r) => [...r.visible.matchAll(/PART-(\d)/g)].map((m) => Number(m[1])));
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(replies.every((r) => r.parse_mode === "HTML" && r.visible.includes("bold & <tag>"))).toBe(true);
  });

  test("across a restart every update is handed on exactly once", async () => {
    const cursor = memoryCursor();
    const sent: number[] = [];
    for (const t of ["one", "two", "three"]) sent.push((await tg.userSends(42, t)).update.update_id);
    // The first instance stops right after the second update — before Telegram heard the offset.
    const first = adapter(cursor);
    await first.start(async (m) => {
      received.push(m);
      if (received.length === 2) void first.stop();
    });
    await until("the first two", () => received.length === 2);
    await first.stop();
    expect(received.map((m) => m.text)).toEqual(["one", "two"]);
    for (const t of ["four", "five"]) sent.push((await tg.userSends(42, t)).update.update_id);
    await adapter(cursor).start(record);
    await until("all five updates", () => received.length >= 5);
    await Bun.sleep(300); // room for a repeat to show up
    expect(received.map((m) => m.text)).toEqual(["one", "two", "three", "four", "five"]);
    expect(received.map((m) => Number(m.eventKey))).toEqual(sent);
  });

  test("a sink failure leaves the offset alone; the update comes back", async () => {
    const cursor = memoryCursor();
    let failures = 0;
    await adapter(cursor).start(async (m) => {
      if (m.text === "flaky" && failures++ === 0) throw new Error("database unavailable");
      received.push(m);
    });
    const { update } = await tg.userSends(42, "flaky");
    await tg.userSends(42, "after");
    await until("the retry", () => failures === 1);
    expect(cursor.saves).not.toContain(String(update.update_id + 1));
    await until("redelivery", () => received.length === 2);
    expect(received.map((m) => m.text)).toEqual(["flaky", "after"]);
    expect(failures).toBe(2);
  });

  test("stop() returns promptly in the middle of a long poll", async () => {
    const a = adapter();
    await a.start(record);
    await Bun.sleep(200);
    const t0 = performance.now();
    await a.stop();
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  test("groups: only addressed messages; replies go into the forum topic", async () => {
    await adapter().start(record);
    await tg.userSendsInGroup(-100777, "chatter among humans");
    await tg.userSendsInGroup(-100777, "what's up?", { mention: true, topic: 17 });
    await until("the mention", () => received.length === 1);
    await Bun.sleep(100);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ chatKey: "-100777:17", text: "what's up?" });
    await adapters[0]!.send({ chatKey: received[0]!.chatKey, replyTo: received[0]!.replyTo, text: "all good" });
    expect(tg.botReplies(-100777)[0]).toMatchObject({ message_thread_id: 17, visible: "all good" });
  });

  test("two bots poll side by side, each seeing only its own updates", async () => {
    const second: InboundMessage[] = [];
    await adapter().start(record);
    await adapter(memoryCursor(), tg.bots[1]!.token).start(async (m) => void second.push(m));
    await tg.userSends(42, "for the first");
    await tg.userSends(42, "for the second", { token: tg.bots[1]!.token });
    await until("both", () => received.length === 1 && second.length === 1);
    expect([received[0]!.text, second[0]!.text]).toEqual(["for the first", "for the second"]);
  });

  test("typing() sends the typing chat action", async () => {
    await adapter().typing("42");
    expect(tg.chatActions(42)).toEqual(["typing"]);
  });
});
