import { describe, expect, test } from "bun:test";
import { diffSnapshots } from "./diff.ts";

describe("diffSnapshots", () => {
  test("only changed fields; short values as before → after; nested objects compared by value", () => {
    const d = diffSnapshots({ name: "Ada", models: ["a/b"], scope: { b: 1, a: 2 } }, { name: "Ada L.", models: ["a/b"], scope: { a: 2, b: 1 } });
    expect(d).toEqual([{ field: "name", kind: "value", before: "Ada", after: "Ada L." }]);
  });

  test("a record is compared key by key; a credential is only set / changed / removed, never its value", () => {
    const d = diffSnapshots({ settings: { groups: "mention", api_root: "x" }, "secret bot_token": "f1", "secret app_token": "f3" }, { settings: { groups: "all", api_root: "x" }, "secret bot_token": "f2", "secret app_token": null });
    expect(d).toEqual([
      { field: "settings.groups", kind: "value", before: "mention", after: "all" },
      { field: "secret bot_token", kind: "value", before: "set", after: "changed" },
      { field: "secret app_token", kind: "value", before: "set", after: "removed" },
    ]);
  });

  test("long text is a line diff: kept, removed and added lines", () => {
    const d = diffSnapshots({ instructions: "one\ntwo\nthree" }, { instructions: "one\n2\nthree" });
    expect(d).toEqual([{ field: "instructions", kind: "lines", lines: [{ op: " ", text: "one" }, { op: "-", text: "two" }, { op: "+", text: "2" }, { op: " ", text: "three" }] }]);
  });

  test("the first version shows every field that has a value", () => {
    const d = diffSnapshots(null, { name: "Ada", skills: null });
    expect(d).toEqual([{ field: "name", kind: "value", before: "(none)", after: "Ada" }]);
  });
});
