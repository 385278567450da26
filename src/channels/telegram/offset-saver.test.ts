import { describe, expect, test } from "bun:test";
import pino from "pino";
import { OffsetSaver } from "./offset-saver.ts";

const log = pino({ level: "silent" });

/** A cursor whose saves are recorded; `answer` decides each save's outcome. */
function cursor(answer: (n: number) => boolean | Error = () => true) {
  const saves: string[] = [];
  return {
    saves,
    save: async (c: string) => {
      const a = answer(saves.length);
      saves.push(c);
      if (a instanceof Error) throw a;
      return a;
    },
  };
}

describe("OffsetSaver", () => {
  test("many moves within the interval are one save, of the newest offset; a clean stop saves the rest", async () => {
    const c = cursor();
    const saver = new OffsetSaver(c, () => {}, log, 100);
    for (let i = 1; i <= 20; i++) saver.moved(i);
    await Bun.sleep(20);
    expect(c.saves).toEqual(["20"]);
    saver.moved(21);
    saver.moved(22);
    await Bun.sleep(20);
    expect(c.saves).toEqual(["20"]); // not before the interval is over
    await Bun.sleep(150);
    expect(c.saves).toEqual(["20", "22"]);
    saver.moved(23);
    await saver.close(true);
    expect(c.saves).toEqual(["20", "22", "23"]);
    saver.moved(24);
    await Bun.sleep(150);
    expect(c.saves).toEqual(["20", "22", "23"]);
  });

  test("a save the lease refuses reports the lease lost, and nothing more is saved", async () => {
    const c = cursor(() => false);
    let lost = 0;
    const saver = new OffsetSaver(c, () => lost++, log, 10);
    saver.moved(5);
    await Bun.sleep(30);
    expect(lost).toBe(1);
    await saver.close(false);
    expect(c.saves).toEqual(["5"]);
  });

  test("a save that fails is tried again", async () => {
    const c = cursor((n) => (n === 0 ? new Error("database unavailable") : true));
    const saver = new OffsetSaver(c, () => {}, log, 10);
    saver.moved(7);
    await Bun.sleep(60);
    expect(c.saves).toEqual(["7", "7"]);
    await saver.close(true);
    expect(c.saves).toEqual(["7", "7"]);
  });
});
