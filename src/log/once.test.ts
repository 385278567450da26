import { expect, test } from "bun:test";
import { Writable } from "node:stream";
import { KonstructError } from "../errors.ts";
import { createLogger } from "./logger.ts";
import { WarnOnce } from "./once.ts";

function capture() {
  const lines: { level: string; msg: string; err?: { message: string }; doc?: string }[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(JSON.parse(String(chunk))), cb()) });
  return { lines, once: new WarnOnce(createLogger("info", sink)) };
}

test("a failure repeated on every message is one warning per cause, however many messages", () => {
  const { lines, once } = capture();
  for (let i = 0; i < 50; i++) {
    const doc = crypto.randomUUID();
    once.warn(new KonstructError("model_unavailable", `embedding model konstruct/use-lite-en: could not locate file for ${doc} (attempt ${i})`), "embedding failed", { doc });
    once.warn(new KonstructError("unavailable", "database unreachable"), "embedding failed");
  }
  expect(lines.map((l) => [l.level, l.msg, l.err!.message.split(":")[0]])).toEqual([
    ["warn", "embedding failed", "embedding model konstruct/use-lite-en"],
    ["warn", "embedding failed", "database unreachable"],
  ]);
  // The first occurrence keeps its fields.
  expect(lines[0]!.doc).toMatch(/^[0-9a-f-]{36}$/);
});

test("the same error object rethrown and logged again by an outer handler is not logged twice", () => {
  const { lines, once } = capture();
  const e = new Error("no model");
  expect(once.warn(e, "embedding failed")).toBe(true);
  expect(once.warn(e, "embedding round failed")).toBe(false);
  expect(lines).toHaveLength(1);
});

test("after a success the same cause is news again; distinct causes are bounded", () => {
  const { lines, once } = capture();
  once.warn(new Error("no model"), "embedding failed");
  once.warn(new Error("no model"), "embedding failed");
  once.ok();
  once.warn(new Error("no model"), "embedding failed");
  expect(lines).toHaveLength(2);
  for (let i = 0; i < 500; i++) once.warn(new Error(`cause ${String.fromCharCode(97 + (i % 26))}${"x".repeat(i)}`), "flood");
  // 100 causes kept: "no model" and 99 of the flood.
  expect(lines).toHaveLength(2 + 99);
});
