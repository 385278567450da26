/**
 * The typing budget (typing.ts): a burst of a hundred turns on one connection starts at most 4
 * typing requests at a time and 10 a second, a chat never has two in flight, and a channel
 * without typing gets no timer. The adapter is a recording one: what is measured is the budget.
 */
import { expect, test } from "bun:test";
import type { ChannelAdapter } from "../channels/types.ts";
import { keepTyping } from "./typing.ts";

function slowTyper(ms: number) {
  const log = { started: [] as { chat: string; at: number }[], inFlight: 0, peak: 0, perChat: new Map<string, number>(), chatPeak: 0 };
  const adapter = {
    capabilities: { typing: true },
    typing: async (chat: string) => {
      log.started.push({ chat, at: Date.now() });
      log.peak = Math.max(log.peak, ++log.inFlight);
      log.perChat.set(chat, (log.perChat.get(chat) ?? 0) + 1);
      log.chatPeak = Math.max(log.chatPeak, log.perChat.get(chat)!);
      await Bun.sleep(ms);
      log.inFlight--;
      log.perChat.set(chat, log.perChat.get(chat)! - 1);
    },
  } as unknown as ChannelAdapter;
  return { adapter, log };
}

test("a burst of 100 chats: at most 4 typing requests in flight", async () => {
  const { adapter, log } = slowTyper(150);
  const timers = Array.from({ length: 100 }, (_, i) => keepTyping(adapter, `chat-${i}`));
  await Bun.sleep(1_100);
  timers.forEach((t) => clearInterval(t));
  expect(log.peak).toBe(4);
  expect(log.started.length).toBe(4); // the others were skipped until their next tick
});

test("turns starting one after another: at most 10 typing requests a second", async () => {
  const { adapter, log } = slowTyper(1);
  const timers: ReturnType<typeof keepTyping>[] = [];
  for (let i = 0; i < 60; i++) {
    timers.push(keepTyping(adapter, `chat-${i}`));
    await Bun.sleep(25);
  }
  timers.forEach((t) => clearInterval(t));
  const perSecond = new Map<number, number>();
  for (const s of log.started) perSecond.set(Math.floor(s.at / 1000), (perSecond.get(Math.floor(s.at / 1000)) ?? 0) + 1);
  expect(Math.max(...perSecond.values())).toBe(10);
  expect(log.started.length).toBeLessThan(60);
});

test("another connection has its own budget; a chat never has two in flight", async () => {
  const a = slowTyper(50);
  const b = slowTyper(50);
  const timers = [keepTyping(a.adapter, "x"), keepTyping(b.adapter, "x"), keepTyping(b.adapter, "y")];
  await Bun.sleep(100);
  timers.forEach((t) => clearInterval(t));
  expect(a.log.started.map((s) => s.chat)).toEqual(["x"]);
  expect(b.log.started.map((s) => s.chat)).toEqual(["x", "y"]);
  expect(Math.max(a.log.chatPeak, b.log.chatPeak)).toBe(1);
});

test("a channel without typing gets no timer and no request", () => {
  const adapter = { capabilities: { typing: false }, typing: () => Promise.reject(new Error("must not be called")) } as unknown as ChannelAdapter;
  expect(keepTyping(adapter, "c")).toBeUndefined();
});
