import { describe, expect, test } from "bun:test";
import type { Update } from "grammy/types";
import { handOnBatch } from "./hand-on.ts";

const message = (update_id: number, chat: number) => ({ update_id, message: { message_id: update_id, date: 0, chat: { id: chat, type: "private" }, text: `m${update_id}` } }) as unknown as Update;
const press = (update_id: number, chat: number) => ({ update_id, callback_query: { id: `q${update_id}`, chat_instance: "c", from: { id: chat }, data: "x", message: { message_id: 1, date: 0, chat: { id: chat, type: "private" } } } }) as unknown as Update;

/** A handler whose calls finish only when the test says so, recording what started when. */
function gate() {
  const started: number[] = [];
  const pending = new Map<number, { resolve(): void; reject(e: Error): void }>();
  const handle = (u: Update) =>
    new Promise<void>((resolve, reject) => {
      started.push(u.update_id);
      pending.set(u.update_id, { resolve, reject });
    });
  const tick = () => new Promise((r) => setTimeout(r, 1));
  return { started, handle, tick, finish: (id: number) => pending.get(id)!.resolve(), fail: (id: number) => pending.get(id)!.reject(new Error(`update ${id} not recorded`)) };
}

describe("handing on a getUpdates batch", () => {
  test("every chat's first update starts at once; a chat's next one only after its previous is durable", async () => {
    const g = gate();
    const batch = handOnBatch([message(1, 10), message(2, 20), press(3, 10), message(4, 30), message(5, 20)], g.handle, new AbortController().signal);
    await g.tick();
    expect(g.started).toEqual([1, 2, 4]);
    g.finish(2);
    await g.tick();
    expect(g.started).toEqual([1, 2, 4, 5]);
    g.finish(1);
    await g.tick();
    expect(g.started).toEqual([1, 2, 4, 5, 3]);
    for (const id of [3, 4, 5]) g.finish(id);
    expect(await batch).toEqual({ done: 5 });
  });

  test("a failure stops its chat; the offset may move only past the updates before it", async () => {
    const g = gate();
    const batch = handOnBatch([message(1, 10), message(2, 20), message(3, 20), message(4, 10)], g.handle, new AbortController().signal);
    await g.tick();
    g.finish(1);
    g.fail(2);
    await g.tick();
    g.finish(4);
    const { done, error } = await batch;
    // Update 4 of the other chat is durable too, and comes back on the next poll (the inbox dedupes it).
    expect([done, String(error), g.started]).toEqual([1, "Error: update 2 not recorded", [1, 2, 4]]);
  });

  test("a stop hands on nothing more, and moves the offset past no update it did not finish", async () => {
    const g = gate();
    const stop = new AbortController();
    const batch = handOnBatch([message(1, 10), message(2, 10), message(3, 20)], g.handle, stop.signal);
    await g.tick();
    stop.abort();
    g.finish(1);
    g.finish(3);
    expect(await batch).toEqual({ done: 1 });
    expect(g.started).toEqual([1, 3]);
  });
});
